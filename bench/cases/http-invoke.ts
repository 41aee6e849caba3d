import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import pLimit from 'p-limit';
import { ConcurrentExecutor } from '../../executors/index.js';
import { OpenWhiskPlatform } from '../../platforms/openwhisk/index.js';
import { deployable } from '../../src/index.js';
import { createInvocations } from '../../src/spi.js';
import { perSecond, timed, type Benchmark } from '../report.js';

const CONCURRENCY = 128;

/** Starts the double, prints where it listens, and stops when its stdin closes. */
const DOUBLE_PROCESS = `
import { InstantRunner, OpenWhiskDouble } from ${JSON.stringify(new URL('../../test/doubles/openwhisk/index.js', import.meta.url).href)};
const double = await OpenWhiskDouble.start({ runner: new InstantRunner() });
console.log(JSON.stringify({ url: double.url, token: double.token }));
process.stdin.resume().once('end', () => void double.stop().then(() => process.exit(0)));
`;

/**
 * The OpenWhisk double in a node process of its own, so that the server's CPU is not the
 * benchmark's: the figure measures falco's client path against undici's on the same server.
 */
async function startDouble(): Promise<{ url: string; token: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', DOUBLE_PROCESS], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const [line] = (await Promise.race([once(createInterface({ input: child.stdout }), 'line'), exited.then(([code]) => {
    throw new Error(`the OpenWhisk double's process exited with code ${String(code)} before it listened`);
  })])) as [string];
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  return {
    url,
    token,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

interface Sample {
  readonly ms: number;
  readonly cpuMs: number;
}

/** How long `run` took, and the CPU time this process spent meanwhile. */
async function withCpu(run: () => Promise<unknown>): Promise<Sample> {
  const before = process.cpuUsage();
  const { ms } = await timed(run);
  const { user, system } = process.cpuUsage(before);
  return { ms, cpuMs: (user + system) / 1000 };
}

/**
 * The HTTP invoke path: blocking invokes through the OpenWhisk adapter against the REST double on
 * loopback (in a process of its own), which answers at once, against a raw undici keep-alive loop
 * posting the same requests.
 */
export const httpInvoke: Benchmark = {
  name: 'http invoke path',
  async run({ quick }) {
    const count = quick ? 2_000 : 20_000;
    const double = await startDouble();
    const platform = new OpenWhiskPlatform({ host: double.url, token: double.token, concurrency: CONCURRENCY });
    try {
      const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'function main(a) { return a; }' }, name: 'bench' }));
      const inputs = Array.from({ length: count }, (_, n) => ({ input: { n } }));
      const path = `/api/v1/namespaces/_/actions/${deployment.name}?blocking=true`;
      const authorization = `Basic ${Buffer.from(double.token).toString('base64')}`;
      const pool = new Pool(double.url, { connections: CONCURRENCY, pipelining: 1 });

      const baseline = async () => {
        const limit = pLimit(CONCURRENCY);
        await Promise.all(
          inputs.map(({ input }) =>
            limit(async () => {
              const { statusCode, body } = await pool.request({
                method: 'POST',
                path,
                headers: { authorization, 'content-type': 'application/json' },
                body: JSON.stringify(input),
              });
              const activation = (await body.json()) as { response?: { success?: boolean } };
              if (statusCode !== 200 || !activation.response?.success) throw new Error(`undici baseline: HTTP ${statusCode}`);
            }),
          ),
        );
      };
      const falco = async () => {
        const invocations = createInvocations('p', inputs);
        const result = await new ConcurrentExecutor({ concurrency: CONCURRENCY }).execute({ id: 'p', invocations }, deployment, platform);
        if (result.counts.succeeded !== count) throw new Error(`falco: ${result.counts.failed} invocations failed`);
      };
      await baseline();
      await falco();
      // Taken in pairs, one right after the other, so that a change in the machine's load falls on
      // both sides of a pair alike; the figure is the median pair. The client's CPU time per invoke
      // is falco's path alone; the throughput also has the double's share.
      const pairs: { base: Sample; mine: Sample }[] = [];
      for (let round = 0; round < (quick ? 3 : 7); round++) pairs.push({ base: await withCpu(baseline), mine: await withCpu(falco) });
      await pool.close();
      const middle = <T>(values: T[], by: (value: T) => number): T => [...values].sort((a, b) => by(a) - by(b))[values.length >> 1]!;
      const speed = middle(pairs, ({ base, mine }) => base.ms / mine.ms);
      const cpu = middle(pairs, ({ base, mine }) => mine.cpuMs / base.cpuMs);
      const ratio = speed.base.ms / speed.mine.ms;
      const perInvoke = (cpuMs: number) => `${((cpuMs * 1000) / count).toFixed(0)} µs`;
      const rounds = `median of ${pairs.length} pairs`;
      return [
        {
          benchmark: 'http invoke path',
          figure: `${count.toLocaleString('en')} blocking invokes, OpenWhisk double, concurrency ${CONCURRENCY}, ${rounds}`,
          value: perSecond(count, speed.mine.ms),
          baseline: `${perSecond(count, speed.base.ms)} (raw undici)`,
          ratio,
          target: '≥ 0.90× throughput',
          met: ratio >= 0.9,
        },
        {
          benchmark: 'http invoke path',
          figure: `client CPU time per invoke (this process), ${rounds}`,
          value: perInvoke(cpu.mine.cpuMs),
          baseline: `${perInvoke(cpu.base.cpuMs)} (raw undici)`,
          ratio: cpu.mine.cpuMs / cpu.base.cpuMs,
        },
      ];
    } finally {
      await platform.close();
      await double.stop();
    }
  },
};
