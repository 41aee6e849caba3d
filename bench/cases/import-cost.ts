import { probeImport, timeImport } from '../import-probe/index.js';
import { ms, type Benchmark, type Row } from '../report.js';

const ENTRIES = ['falco', 'falco/executors', 'falco/platforms/local', 'falco/flows'];
/** The root's target: a driver's import costs at most half again what starting node does. */
const ROOT_TARGET = 1.5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * What importing each entry point costs a fresh `node`, against bare `node` started the same way:
 * the median wall time of `runs` children (bare and importing runs interleaved, so both see the
 * same load), the files loaded and the packages they come from.
 */
export const importCost: Benchmark = {
  name: 'import cost',
  async run({ quick }) {
    const runs = quick ? 3 : 15;
    const times = new Map<string | undefined, number[]>([[undefined, []], ...ENTRIES.map((entry): [string, number[]] => [entry, []])]);
    const builtins = new Map<string | undefined, number>();
    for (let run = 0; run < runs; run++) {
      for (const entry of times.keys()) {
        const timed = await timeImport(entry);
        times.get(entry)!.push(timed.ms);
        builtins.set(entry, timed.builtins);
      }
    }
    const bare = median(times.get(undefined)!);
    const bareBuiltins = builtins.get(undefined)!;
    const rows: Row[] = [];
    for (const entry of ENTRIES) {
      const loaded = await probeImport(entry);
      const time = median(times.get(entry)!);
      const ratio = time / bare;
      const packages = [...loaded.packages.keys()];
      rows.push({
        benchmark: 'import cost',
        figure: `import '${entry}': ${loaded.files.length} files${packages.length > 0 ? ` (${packages.length} packages)` : ''}, ${builtins.get(entry)! - bareBuiltins} more node modules`,
        value: ms(time),
        baseline: `${ms(bare)} (bare node, median of ${runs})`,
        ratio,
        ...(entry === 'falco' ? { target: `≤ ${ROOT_TARGET}×`, met: ratio <= ROOT_TARGET } : { target: 'reported' }),
      });
    }
    return rows;
  },
};
