import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFlowFile, FlowSemanticError, mermaidOf } from '../../../flows/littleflow/index.js';
import { fixture, REFERENCE, shape, type Shape } from './fixtures.js';

/**
 * Where falco's graph differs from littleflow's on purpose: each changes the reference's graph into falco's,
 * and says why. Everything else must be exactly littleflow's graph (subflow boundaries kept, as it has them).
 */
const DEVIATIONS: Record<string, { why: string; expect: (reference: Shape) => Shape }> = {
  // littleflow records `→ :end` after a subflow as an output label of the subflow's last *inner* task, and so
  // also joins C.14 straight to the end, past its subflow's end.
  'with-merge.flow': { why: 'no edge from inside a subflow past its end', expect: (r) => ({ ...r, edges: r.edges.filter((e) => !(e.from === 'C.14' && e.to === 'flow:end.16')) }) },
  'without-merge.flow': { why: 'no edge from inside a subflow past its end', expect: (r) => ({ ...r, edges: r.edges.filter((e) => !(e.from === 'C.14' && e.to === '$end')) }) },
  // littleflow parses `@task X { … }` but leaves the subflow unconnected and runs a task X; the spec says X runs the subflow.
  'future/named-subflow.flow': {
    why: 'X → C runs the declared subflow in place of X',
    expect: (): Shape => ({
      nodes: [
        { id: 'flow:start.1', name: 'flow:start', parameters: { end: 'flow:end.4' } },
        { id: 'A.2', name: 'A', parameters: {} },
        { id: 'B.3', name: 'B', parameters: {} },
        { id: 'flow:end.4', name: 'flow:end', parameters: {} },
        { id: 'C.5', name: 'C', parameters: {} },
      ],
      edges: [
        { from: '$start', to: 'flow:start.1' },
        { from: 'flow:start.1', to: 'A.2' },
        { from: 'A.2', to: 'B.3' },
        { from: 'B.3', to: 'flow:end.4' },
        { from: 'flow:end.4', to: 'C.5' },
        { from: 'C.5', to: '$end' },
      ],
    }),
  },
};

/** Fixtures littleflow cannot compile, and the typed error falco gives for each, at the same place. */
const ERRORS: Record<string, { kind: string; line: number; column: number }> = {
  'errors/ambiguous-meet.flow': { kind: 'ambiguous-meet', line: 2, column: 1 },
  'errors/same-output-label.flow': { kind: 'duplicate-output-label', line: 1, column: 14 },
  // littleflow crashes on `→ :start` (AttributeError); the spec has :start only at a statement's start.
  'loop.flow': { kind: 'reserved-label', line: 1, column: 13 },
  'resource-destination.flow': { kind: 'unsupported', line: 1, column: 16 },
  'future/iterate.flow': { kind: 'unsupported', line: 1, column: 1 },
  'future/iterate-subflow.flow': { kind: 'unsupported', line: 1, column: 1 },
};

describe('every littleflow fixture compiles to the graph littleflow compiles it to', () => {
  for (const [name, reference] of Object.entries(REFERENCE)) {
    if (name === 'external-resources.flows') continue; // resources: resources.test.ts
    const error = ERRORS[name];
    it(`${name}${error ? ` gives a typed ${error.kind} error` : ''}`, () => {
      if (error) {
        assert.ok('error' in reference, `littleflow compiles ${name}; this test expects it not to`);
        assert.throws(
          () => compileFlowFile(fixture(name)),
          (e: unknown) => e instanceof FlowSemanticError && e.kind === error.kind && e.line === error.line && e.column === error.column && e.message.startsWith(`${fixture(name)}:${error.line}:${error.column}: `),
        );
        return;
      }
      if ('error' in reference) assert.fail(`littleflow failed on ${name}: ${reference.error}`);
      const deviation = DEVIATIONS[name];
      const expected = deviation ? deviation.expect(reference) : reference;
      if (deviation) assert.notDeepEqual(expected, reference, `${name}: the deviation (${deviation.why}) changes nothing`);
      assert.deepEqual(shape(compileFlowFile(fixture(name), { keepSubflows: true })), expected);
    });
  }
});

describe('mermaid', () => {
  it('draws example 7 of the spec as the spec draws it', () => {
    assert.equal(
      mermaidOf(compileFlowFile(fixture('spec/example-7.flow'), { keepSubflows: true })),
      `stateDiagram-v2
  direction LR
  state "A" as A.1
  state _start_2_ <<fork>>
  state "B" as B.3
  state "C" as C.4
  state _end_5_ <<join>>
  state "D" as D.6
  [*]-->A.1
  A.1-->_start_2_
  _start_2_-->B.3
  _start_2_-->C.4
  B.3-->_end_5_
  C.4-->_end_5_
  _end_5_-->D.6
  D.6-->[*]
`,
    );
  });

  it('names tasks with ":" and "-" as littleflow does', () => {
    const drawn = mermaidOf(compileFlowFile(fixture('redis/acquire-release.flow')));
    assert.match(drawn, /state "wait:acquire" as wait_COLON_acquire\.1\n/);
    assert.match(drawn, /\[\*\]-->wait_COLON_acquire\.1\n/);
  });
});
