import { compileFlow } from '../../flows/littleflow/index.js';
import { ms, type Benchmark } from '../report.js';

/**
 * A `.flow` file of `lines` statements, each joined to the one before by labels, with YAML and JSON
 * parameters, a guard and a fan-out in a subflow: the forms a long generated flow is made of.
 */
function longFlow(lines: number): string {
  return Array.from({ length: lines }, (_, n) =>
    n === 0 ? 'load :l0 → start;' : `:l${n - 1} → task-${n} (- n: ${n} -) :l${n} → ? \`$[?(@.ok)]\` { a|b → c ({ "k": ${n} }) } → check-${n};`,
  ).join('\n');
}

/** Compiling a long flow, against reading the graph it makes from JSON (the least any loader of that graph does). */
export const flowCompile: Benchmark = {
  name: 'flow compile',
  async run({ quick }) {
    const lines = quick ? 1_000 : 10_000;
    const text = longFlow(lines);
    const json = JSON.stringify(compileFlow(text));
    const compile = fastest(() => compileFlow(text));
    const parse = fastest(() => JSON.parse(json));
    return [{ benchmark: 'flow compile', figure: `${lines.toLocaleString('en')}-line .flow file`, value: ms(compile), baseline: `${ms(parse)} (JSON.parse of its graph)`, ratio: compile / parse, target: '< 1000 ms', met: compile < 1000 }];
  },
};

function fastest(work: () => unknown): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}
