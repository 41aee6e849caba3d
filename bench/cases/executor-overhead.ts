import pLimit from 'p-limit';
import { ConcurrentExecutor } from '../../executors/index.js';
import { deployable, type Invocation } from '../../src/index.js';
import { createInvocations } from '../../src/spi.js';
import { NoopPlatform } from '../noop-platform.js';
import { bestOfAlternated, collectGarbage, ms, type Benchmark } from '../report.js';

const CONCURRENCY = 1_000;

/** falco's own cost per invocation: ConcurrentExecutor on a platform that answers at once, against a bare p-limit loop. */
export const executorOverhead: Benchmark = {
  name: 'executor overhead',
  async run({ quick }) {
    const count = quick ? 10_000 : 100_000;
    const platform = new NoopPlatform();
    const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'function main(a) { return a; }' } }));
    const requests = Array.from({ length: count }, (_, n) => ({ id: `i${n}`, input: { n } }));

    const baseline = async () => {
      const limit = pLimit(CONCURRENCY);
      await Promise.all(requests.map((r) => limit(() => platform.invoke(deployment, r.input, { invocationId: r.id, attempt: 1 }))));
    };
    let kept: Invocation[] = [];
    const falco = async () => {
      const invocations = createInvocations(`p`, requests);
      await new ConcurrentExecutor({ concurrency: CONCURRENCY }).execute({ id: 'p', invocations }, deployment, platform);
      kept = invocations;
    };
    const { baseline: base, falco: mine } = await bestOfAlternated(baseline, falco);

    kept = [];
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    await falco();
    collectGarbage();
    const bytes = (process.memoryUsage().heapUsed - before) / count;
    if (kept.length !== count || kept.some((r) => r.status !== 'succeeded')) throw new Error('executor overhead: not every invocation succeeded');

    const ratio = mine / base;
    return [
      { benchmark: 'executor overhead', figure: `${count.toLocaleString('en')} no-op calls, concurrency ${CONCURRENCY}`, value: ms(mine), baseline: `${ms(base)} (p-limit loop)`, ratio, target: '≤ 1.00×', met: ratio <= 1 },
      { benchmark: 'record memory', figure: 'heap per finished invocation', value: `${bytes.toFixed(0)} B`, baseline: 'heap before the run', target: '≤ 500 B', met: bytes <= 500 },
    ];
  },
};
