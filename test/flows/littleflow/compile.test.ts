import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFlow, FlowSemanticError, type FlowCompileOptions } from '../../../flows/littleflow/index.js';
import { parse as parseYaml } from 'yaml';
import { plainMap } from '../../../flows/littleflow/literals.js';
import { shape } from './fixtures.js';

const edges = (text: string, options?: FlowCompileOptions): string[] => compileFlow(text, options).edges.map((e) => `${e.from}→${e.to}`);
const same = (a: string, b: string, options?: FlowCompileOptions): void => assert.deepEqual(shape(compileFlow(a, options)), shape(compileFlow(b, options)));

describe('subflows', () => {
  it('are joined past their start and end where these do nothing, keeping littleflow\'s numbers', () => {
    const graph = compileFlow('A → { B C } → D');
    assert.deepEqual(graph.nodes.map((n) => n.id), ['A.1', 'B.3', 'C.4', 'D.6']);
    assert.deepEqual(edges('A → { B C } → D'), ['$start→A.1', 'A.1→B.3', 'A.1→C.4', 'B.3→D.6', 'C.4→D.6', 'D.6→$end']);
  });

  it('may be written in square brackets, as the spec\'s examples 7 and 8 are', () => {
    same('A → [ B C ] → D', 'A → { B C } → D', { keepSubflows: true });
    same('A → [ :start → B → C → :end ] → D', 'A → { :start → B → C → :end } → D', { keepSubflows: true });
  });

  it('keep a guarded subflow\'s start and end as nodes, the start naming where a skipped subflow goes on', () => {
    const graph = compileFlow('A → ? `$[?(@.status=0)]` { B → C } → D');
    assert.deepEqual(
      graph.nodes.filter((n) => n.name.startsWith('flow:')).map(({ source: _, ...n }) => n),
      [
        { id: 'flow:start.2', name: 'flow:start', parameters: { end: 'flow:end.5' }, guard: '$[?(@.status==0)]' },
        { id: 'flow:end.5', name: 'flow:end', parameters: {} },
      ],
    );
    assert.deepEqual(edges('A → ? `$[?(@.status=0)]` { B → C } → D'), ['$start→A.1', 'A.1→flow:start.2', 'flow:start.2→B.3', 'B.3→C.4', 'C.4→flow:end.5', 'flow:end.5→D.6', 'D.6→$end']);
  });

  it('"A|B|C → D" is "{ A B C } → D", and "D → A|B|C" is "D → { A B C }", as the spec says', () => {
    same('A|B|C → D', '{ A B C } → D', { keepSubflows: true });
    same('D → A|B|C', 'D → { A B C }', { keepSubflows: true });
    assert.deepEqual(edges('A|B|C → D'), ['$start→A.2', '$start→B.3', '$start→C.4', 'A.2→D.6', 'B.3→D.6', 'C.4→D.6', 'D.6→$end']);
  });

  it('a merge on the flow\'s end is a flow:end node before it', () => {
    const graph = compileFlow('A → > :end\nB → > :end');
    assert.ok(graph.nodes.some((n) => n.id === 'flow:end.3' && n.merge === true));
    assert.deepEqual(edges('A → > :end\nB → > :end'), ['$start→A.1', '$start→B.2', 'A.1→flow:end.3', 'B.2→flow:end.3', 'flow:end.3→$end']);
  });

  it('"> B" after a label merges B\'s inputs (spec: merge)', () => {
    const graph = compileFlow('A → :x > B\nC → :x');
    assert.deepEqual(graph.nodes.map((n) => [n.id, n.merge ?? false]), [['A.1', false], ['B.2', true], ['C.3', false]]);
  });
});

describe('declarations', () => {
  it('@task X = A (- … -) is A with those parameters (the spec\'s example)', () => {
    same('@task X = A (- {fruit: banana} -) ;\n\nX → B', 'A (- {fruit: banana} -) → B');
  });

  it('merges a declaration\'s defaults under a statement\'s parameters, along an alias chain', () => {
    const graph = compileFlow('@task A (- {a: 1, b: 2} -)\n@task X = A (- {b: 5, c: 6} -)\nA (- b: 3 -) → A → X (- c: 7 -)');
    assert.deepEqual(graph.nodes.map((n) => [n.id, n.parameters]), [['A.1', { a: 1, b: 3 }], ['A.2', { a: 1, b: 2 }], ['A.3', { a: 1, b: 5, c: 7 }]]);
  });

  it('@task X { subflow } runs the subflow in place of X, numbered afresh at each use', () => {
    same('@task X { A → B }\nX → X', '{ A → B } → { A → B }', { keepSubflows: true });
    assert.deepEqual(edges('@task X { A → B }\nX → X'), ['$start→A.2', 'A.2→B.3', 'B.3→A.6', 'A.6→B.7', 'B.7→$end']);
  });

  it('@flow gives the graph its name, parameters and documentation; without it the file names the graph', () => {
    const graph = compileFlow('@flow etl (- {region: eu} -) """\nLoads the day.\n"""\nA');
    assert.deepEqual({ name: graph.name, doc: graph.doc, parameters: graph.parameters }, { name: 'etl', doc: 'Loads the day.', parameters: { region: 'eu' } });
    assert.equal(compileFlow('A', { file: 'flows/nightly-load.flow' }).name, 'nightly-load');
  });
});

describe('parameters and literals', () => {
  it('a list of parameters is littleflow\'s positional arguments: { args: [...] }', () => {
    assert.deepEqual(compileFlow('F ([1, 2, 3]) → H (- [a, b] -)').nodes.map((n) => n.parameters), [{ args: [1, 2, 3] }, { args: ['a', 'b'] }]);
  });

  it('a resource literal is a node with that literal as its output', () => {
    const [node] = compileFlow('<- customer: C123 -> → A').nodes;
    assert.deepEqual({ id: node!.id, name: node!.name, literal: node!.literal }, { id: 'literal.1', name: 'literal', literal: { customer: 'C123' } });
  });

  it('a YAML "__proto__" key stays a key, and sets no prototype', () => {
    const [node] = compileFlow('@task A (- a: 1 -)\nA (- __proto__: {polluted: true} -)').nodes;
    assert.deepEqual(Object.keys(node!.parameters!), ['a', '__proto__']);
    assert.equal(Object.getPrototypeOf(node!.parameters), Object.prototype);
  });

  it('reads plain `key: value` YAML without the YAML parser exactly as the parser reads it', () => {
    const bodies = ['n: 1', ' duration: 10 ', 'event: wait-test', 'a: true\nb: False\nc: NULL', 'a: -0', 'a: 0', 'x: 123456789012345', 'k_1: v-2', 'constructor: 1', 'a: 1\na: 2', 'a: 01', 'a: 1.5', 'a: yes', 'a: ~', 'a: .inf', 'true: 1', 'a: "q"', 'a:b', 'a: 1 # c'];
    let fast = 0;
    for (const body of bodies) {
      const value = plainMap(body);
      if (value === undefined) continue;
      fast++;
      assert.deepEqual(value, parseYaml(body), body);
    }
    assert.ok(fast >= 8, `only ${fast} bodies took the fast path`);
  });

  it('keeps where each node was written', () => {
    assert.deepEqual(compileFlow('A →\n  B').nodes.map((n) => n.source), [{ line: 1, column: 1 }, { line: 2, column: 3 }]);
  });

  it('normalises jsonpath2 guards (=, and, or, not) to jsonpath-plus, leaving strings alone', () => {
    const [node] = compileFlow('? `$[?(@.a = 1 and not @.b or @.c = "x=y")]` A').nodes;
    assert.equal(node!.guard, '$[?(@.a == 1 && ! @.b || @.c == "x=y")]');
  });
});

/** Asserts that compiling `text` gives a FlowSemanticError of `kind` at `line:column`, whose message matches `message`. */
function rejects(text: string, kind: string, line: number, column: number, message: RegExp): void {
  assert.throws(
    () => compileFlow(text, { file: 'bad.flow' }),
    (e: unknown) => {
      assert.ok(e instanceof FlowSemanticError, `not a FlowSemanticError: ${String(e)}`);
      assert.deepEqual([e.kind, e.line, e.column], [kind, line, column], e.message);
      assert.ok(e.message.startsWith(`bad.flow:${line}:${column}: `), e.message);
      assert.match(e.problem, message);
      return true;
    },
  );
}

describe('semantic errors are typed, placed and say what to do', () => {
  it('labels', () => {
    rejects('A → B;\n:nowhere → C', 'unknown-label', 2, 1, /unknown output label ":nowhere"/);
    rejects('A → :nowhere', 'unknown-label', 1, 5, /unknown input label ":nowhere"/);
    rejects(':x A; :x B', 'duplicate-input-label', 1, 7, /input label ":x" is already used at 1:1/);
    rejects('A :end → B', 'reserved-label', 1, 3, /reserved/);
    rejects(':end → A', 'reserved-label', 1, 1, /cannot start a statement/);
    rejects('A → B\n  :x → C;\nD :x', 'duplicate-output-label', 3, 3, /already used at 2:3/);
  });

  it('an output label that a missing ";" joins to the statement above is an ambiguous meet', () => {
    rejects('A :out → B\n:out → C', 'ambiguous-meet', 2, 1, /end the line before with ";"/);
  });

  it('declarations', () => {
    rejects('@task X = Y\n@task Y = X\nX', 'declaration', 3, 1, /go round in a circle \(X = Y = X\)/);
    rejects('@task X { A → Y }\n@task Y { X }\nX', 'declaration', 2, 11, /cannot contain itself/);
    rejects('@task X = A { B }', 'declaration', 1, 13, /cannot also have a subflow/);
    rejects('@flow a\n@flow b\nA', 'declaration', 2, 1, /the first is at line 1/);
    rejects('@task A\n@task A\nA', 'declaration', 2, 1, /declared twice/);
    rejects('@task X { A }\nX (- a: 1 -)', 'declaration', 2, 5, /takes no parameters/);
    rejects('@task A\n', 'unsupported', 1, 1, /no statements/);
  });

  it('literals: YAML and JSON errors point into the literal', () => {
    rejects('A →\nB (-\n  a: [1\n-)', 'literal', 4, 1, /cannot read the YAML literal/);
    rejects('A ({ "a": })', 'literal', 1, 5, /cannot read the JSON object literal/);
    rejects('A (- 5 -)', 'literal', 1, 5, /are 5: parameters are a map/);
    rejects('@task A (- [1] -)\nA (- a: 1 -)', 'literal', 2, 5, /write both as maps or both as lists/);
    rejects('<- .nan -> → A', 'literal', 1, 3, /not NaN|JSON cannot carry/);
    rejects('flow:start', 'reserved-label', 1, 1, /subflow boundaries/);
  });

  it('guards', () => {
    rejects('? `status = 0` A', 'guard', 1, 3, /starts with "\$"/);
    rejects('? `$[?(@.a == 1)` A', 'guard', 1, 3, /open/);
  });

  it('what littleflow does not run either: iteration and resource sinks', () => {
    rejects('A → * B', 'unsupported', 1, 5, /iteration "\*" is not supported/);
    rejects('A → <http://example.com/store>', 'unsupported', 1, 5, /resource sink|is not supported/);
  });
});
