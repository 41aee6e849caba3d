import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/errors.js';
import { readFileSync } from 'node:fs';
import { compileFlow, FlowSourceError, FlowSyntaxError, MAX_NESTING, parseFlow } from '../../../flows/littleflow/index.js';
import { fixture, REFERENCE } from './fixtures.js';

/** Asserts that parsing `text` fails with a FlowSyntaxError at `line:column` whose problem matches `problem`. */
function syntaxError(text: string, line: number, column: number, problem: RegExp | string): FlowSyntaxError {
  try {
    parseFlow(text, { file: 'pipeline.flow' });
  } catch (error) {
    assert.ok(error instanceof FlowSyntaxError, `not a FlowSyntaxError: ${String(error)}`);
    assert.deepEqual([error.line, error.column], [line, column], error.message);
    if (typeof problem === 'string') assert.equal(error.problem, problem);
    else assert.match(error.problem, problem);
    return error;
  }
  return assert.fail(`${JSON.stringify(text)} parsed`);
}

describe('syntax errors name the file, line, column and what was expected', () => {
  it('shows the source line and a caret under the column', () => {
    const error = syntaxError('@flow pipeline\nextract → load\ntransforms → ;\n', 3, 14, 'expected a task name or label after "→", found ";"');
    assert.equal(error.message, 'pipeline.flow:3:14: expected a task name or label after "→", found ";"\n  transforms → ;\n               ^');
    assert.ok(error instanceof ConfigError, 'a flow error is a ConfigError, as every bad input to falco is');
  });

  it('for each kind of mistake', () => {
    syntaxError('A →', 1, 4, 'expected a task name or label after "→", found end of file');
    syntaxError('A -> B ->\n', 2, 1, 'expected a task name or label after "->", found end of file');
    syntaxError('A → { B C ] → D', 1, 11, /expected "}" to close the subflow opened at 1:5 with "{", found "]"/);
    syntaxError('A → { B → C', 1, 5, /never closed: expected "}"/);
    syntaxError('A → {}', 1, 6, /at least one statement/);
    syntaxError('A }', 1, 3, /no subflow is open here/);
    syntaxError('A (- x: 1', 1, 3, /never closed: expected "-\)"/);
    syntaxError('<{ "a": 1 → A', 1, 1, /never closed: expected "}>"/);
    syntaxError('A|', 1, 3, 'expected a task name after "|", found end of file');
    syntaxError('A ( x )', 1, 3, /expected "\(\)", "\(-", "\({" or "\(\[" to open parameters/);
    syntaxError('A % B', 1, 3, 'unexpected "%"');
    syntaxError('@task', 1, 6, 'expected a name after "@task", found end of file');
    syntaxError('@step A', 1, 1, /unknown declaration "@step": expected @flow or @task/);
    syntaxError('A → { @task B }', 1, 7, /declarations belong at the top/);
    syntaxError('? A', 1, 3, /expected a guard expression in back quotes/);
    syntaxError('? `$.a', 1, 3, /never closed/);
    syntaxError('<- a: 1 ->', 1, 11, /expected "→" after a resource literal/);
    syntaxError(':x;', 1, 3, /expected a task name or subflow after label ":x", found ";"/);
    syntaxError('A → <data .json>', 1, 10, /cannot hold a space/);
    syntaxError("@task A '''never closed", 1, 9, /documentation opened here is never closed/);
    syntaxError('A : B', 1, 3, /expected a label name after ":"/);
  });

  it('refuses subflows nested too deep, rather than running out of stack', () => {
    const deep = `${'{ '.repeat(MAX_NESTING + 1)}A${' }'.repeat(MAX_NESTING + 1)}`;
    syntaxError(deep, 1, 2 * MAX_NESTING + 1, /nest deeper than/);
    assert.doesNotThrow(() => compileFlow(`${'{ '.repeat(MAX_NESTING)}A${' }'.repeat(MAX_NESTING)}`));
    const chain = Array.from({ length: 5_000 }, (_, n) => `@task X${n + 1} { X${n} }`).join('\n');
    assert.throws(() => compileFlow(`${chain}\nX5000`), (e: unknown) => e instanceof FlowSourceError && /nest deeper than/.test(e.message));
  });
});

describe('the lexical grammar', () => {
  it('reads names with - _ : and both arrows, even unspaced, and # comments', () => {
    const graph = compileFlow('my:peel-banana->eat_it→B # a comment → C\n# :out → D\n');
    assert.deepEqual(graph.nodes.map((n) => n.id), ['my:peel-banana.1', 'eat_it.2', 'B.3']);
  });

  it('reads a label after a step as its output, and after an arrow as the next step\'s input, as littleflow does', () => {
    const [statement] = parseFlow('A → :x\nB').items;
    assert.ok(statement?.kind === 'statement');
    assert.equal(statement.steps.length, 2, 'without ";", ":x B" is the input label of B');
    assert.equal(parseFlow('A → :x;\nB').items.length, 2);
  });
});

/** A small seeded generator (mulberry32), so that a failing soup can be found again by its seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOUP = ['A', 'B', 'my:task-1', '→', '->', ';', ':x', ':y', ':start', ':end', '|', '*', '>', '?', '`$[?(@.a=1)]`', '{', '}', '[', ']',
  '(- a: 1 -)', '({ "a": 1 })', '([1])', '()', '(-', '<- b: 2 ->', '<{}>', '<[ ]>', '<>', '<doc.json>', '<http://x>', '@flow', '@task', 'X', '=',
  "'''doc'''", '"""', '#c\n', '\n', ' ', '(- [ -)', '<- .nan ->', '%', '`', '<', '(', ')', '-', ':', '@', 'é', '\t', '\r\n', '{{', '}}'];

const FIXTURE_TEXTS = Object.keys(REFERENCE).map((name) => readFileSync(fixture(name), 'utf8'));

describe('total: any text gives a graph or a typed flow error, never anything else', () => {
  const next = random(14);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const token = (): string => (next() < 0.9 ? pick(SOUP) : String.fromCharCode(Math.floor(next() * 0x3000)));
  /** A littleflow fixture with a few random cuts, insertions and repeats: mostly near-valid flows. */
  const mutated = (): string => {
    let text = pick(FIXTURE_TEXTS);
    for (let cuts = 1 + Math.floor(next() * 3); cuts > 0; cuts--) {
      const at = Math.floor(next() * (text.length + 1));
      const span = Math.floor(next() * 6);
      const choice = next();
      text = choice < 0.4 ? text.slice(0, at) + text.slice(at + span) : choice < 0.8 ? text.slice(0, at) + token() + text.slice(at) : text.slice(0, at) + text.slice(at, at + span * 4) + text.slice(at);
    }
    return text;
  };
  const soup = (): string => Array.from({ length: 1 + Math.floor(next() * 30) }, token).join(next() < 0.5 ? ' ' : '');

  it('2,000 soups of random tokens and 2,000 randomly cut fixtures', () => {
    let graphs = 0;
    for (let n = 0; n < 4000; n++) {
      const text = n % 2 === 0 ? soup() : mutated();
      try {
        compileFlow(text, { resolveResource: () => ({}) });
        graphs++;
      } catch (error) {
        if (!(error instanceof FlowSourceError)) assert.fail(`case ${n} threw ${String(error)}: ${JSON.stringify(text)}`);
      }
    }
    assert.ok(graphs > 400, `only ${graphs} of the cases compiled: too little valid input to test the compiler much`);
  });

  it('refuses what is not text with a ConfigError', () => {
    assert.throws(() => parseFlow(undefined as unknown as string), ConfigError);
    assert.throws(() => compileFlow({} as unknown as string), ConfigError);
  });
});

describe('large flows', () => {
  it('a 10,000-line flow compiles (each line a statement joined to the last by a label)', () => {
    const lines = Array.from({ length: 10_000 }, (_, n) => (n === 0 ? 'load :l0 → step-0' : `:l${n - 1} → task-${n} (- n: ${n} -) :l${n} → check-${n}`));
    const graph = compileFlow(`${lines.join('\n')}\n`.replaceAll('\n:', ';\n:'));
    assert.equal(graph.nodes.length, 1 + 1 + 2 * 9_999);
    assert.deepEqual(graph.nodes[2]!.parameters, { n: 1 });
  });
});
