import { LocalPlatform } from '../../platforms/local/index.js';
import { deployable, type Deployment } from '../../src/index.js';
import { ms, timed, type Benchmark, type Row } from '../report.js';

/** Both functions answer `{ data }` of `args.mb` MB when asked for output, and the length of `args.data` when given input. */
const NODE = 'function main(args) { return args.data === undefined ? { data: "0123456789abcdef".repeat(args.mb * 65536) } : { length: args.data.length }; }';
const PYTHON = 'def main(args):\n    if "data" not in args:\n        return {"data": "0123456789abcdef" * (args["mb"] * 65536)}\n    return {"length": len(args["data"])}\n';

const options = { memoryMB: 2048, timeoutMs: 300_000, maxInstances: 1 };

/** Large inputs and outputs: the Python protocol against the Node.js runtime on the same payload. */
export const payloads: Benchmark = {
  name: 'local payloads',
  async run({ quick }) {
    const sizes = quick ? [1, 5] : [10, 50];
    const platform = new LocalPlatform();
    try {
      const node = await platform.deploy(deployable({ runtime: 'nodejs:20', name: 'payload-js', code: { source: NODE }, ...options }));
      const python = await platform.deploy(deployable({ runtime: 'python:3', name: 'payload-py', code: { source: PYTHON }, ...options }));
      const rows: Row[] = [];
      for (const mb of sizes) {
        const input = { data: '0123456789abcdef'.repeat(mb * 65536) };
        const bytes = mb * 1_048_576;
        for (const { figure, args, size } of [
          { figure: `${mb} MB output`, args: { mb }, size: (answer: Answer) => answer.data?.length },
          { figure: `${mb} MB input`, args: input, size: (answer: Answer) => answer.length },
        ]) {
          const check = (answer: Answer) => size(answer) === bytes;
          const base = await fastest(platform, node, args, check);
          const mine = await fastest(platform, python, args, check);
          const ratio = mine / base;
          rows.push({ benchmark: 'local payloads', figure: `python:3, ${figure}`, value: ms(mine), baseline: `${ms(base)} (nodejs:20)`, ratio, target: '≤ 2.00× time', met: ratio <= 2 });
        }
      }
      return rows;
    } finally {
      await platform.close();
    }
  },
};

type Answer = { data?: string; length?: number };

/** The fastest of three warm calls, after one that warms the instance; checks every answer. */
async function fastest(platform: LocalPlatform, deployment: Deployment, args: object, check: (answer: Answer) => boolean): Promise<number> {
  const once = async () => {
    const { output } = await platform.invoke<Answer>(deployment, args, { invocationId: 'bench', attempt: 1 });
    if (!check(output)) throw new Error(`local payloads: ${deployment.name} answered the wrong size`);
  };
  await once();
  let best = Infinity;
  for (let run = 0; run < 3; run++) best = Math.min(best, (await timed(once)).ms);
  return best;
}
