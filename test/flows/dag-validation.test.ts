import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployable, PlanError } from '../../src/index.js';
import { compileDag, dag, DagError, errorOf, item, output } from '../../flows/index.js';

const echo = deployable({ runtime: 'nodejs:20', name: 'echo', code: { source: 'function main(args) { return args; }' } });

function rejects(build: () => unknown, pattern: RegExp): void {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof DagError, `expected a DagError, got ${String(error)}`);
    assert.ok(error instanceof PlanError, 'a DagError is a PlanError');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('DAG validation', () => {
  it('names the tasks of a cycle, in order, and the fix', () => {
    const cyclic = dag('loop')
      .task('a', { deployable: echo, after: ['c'] })
      .task('b', { deployable: echo, after: ['a'] })
      .task('c', { deployable: echo, input: { x: output('b') } });
    rejects(() => compileDag(cyclic, 'ws'), /DAG "loop" has a cycle: a → b → c → a; remove one of these dependencies/);
    rejects(() => compileDag(dag('self').task('a', { deployable: echo, after: ['a'] }), 'ws'), /cycle: a → a/);
  });

  it('names a dependency on an unknown task and lists the tasks there are', () => {
    rejects(() => compileDag(dag('d').task('a', { deployable: echo, after: ['nope'] }), 'ws'), /task "a" depends on "nope", which is not a task of this DAG; define "nope" or remove it from after \(tasks: a\)/);
    rejects(() => compileDag(dag('d').task('a', { deployable: echo, input: { x: output('ghost', 'y') } }), 'ws'), /task "a" refers to the output of "ghost", which is not a task/);
    rejects(() => compileDag(dag('d').task('a', { deployable: echo, onFailureOf: 'ghost' }), 'ws'), /task "a" handles the failure of "ghost", which is not a task/);
  });

  it('names a duplicate id', () => {
    rejects(() => compileDag(dag('d').task('a', { deployable: echo }).task('a', { deployable: echo }), 'ws'), /task "a" is defined more than once: give each task its own id/);
  });

  it('refuses references that cannot resolve, bad retries, a missing deployable and an empty DAG', () => {
    rejects(() => compileDag(dag('d').task('a', { deployable: echo }).task('b', { deployable: echo, input: errorOf('a') }), 'ws'), /task "b" refers to errorOf\("a"\) but handles no failure: set onFailureOf: "a"/);
    rejects(() => compileDag(dag('d').task('a', { deployable: echo, input: item() }), 'ws'), /task "a" refers to item\(\) but has no forEach/);
    rejects(() => compileDag(dag('d').task('a', { deployable: echo, forEach: 'lots' }), 'ws'), /task "a": forEach must be a list, output\('task', 'path'\) or dagInput\('path'\)/);
    rejects(() => compileDag(dag('d').task('a', { deployable: echo, retries: -1 }), 'ws'), /task "a": retries must be a whole number, 0 or more \(got -1\)/);
    rejects(() => compileDag(dag('d').task('a', { deployable: undefined as never }), 'ws'), /task "a" has no deployable: give one made with deployable/);
    rejects(() => compileDag(dag('d'), 'ws'), /DAG "d" has no tasks/);
    rejects(() => compileDag(dag('d').task('a b', { deployable: echo }), 'ws'), /task "a b": an id must be 1-48 letters/);
  });

  it('collects every problem into one error', () => {
    const bad = dag('d').task('a', { deployable: echo, after: ['x'] }).task('b', { deployable: echo, after: ['y'] });
    rejects(() => compileDag(bad, 'ws'), /depends on "x".*; task "b" depends on "y"/);
  });

  it('compiles a start trigger and a results trigger per task, and one end trigger; references add dependencies', () => {
    const compiled = compileDag(
      dag('d')
        .task('split', { deployable: echo })
        .task('count', { deployable: echo, forEach: output('split', 'chunks'), input: { chunk: item() } })
        .task('alert', { deployable: echo, onFailureOf: 'count', input: errorOf('count') }),
      'ws',
    );
    assert.deepEqual(compiled.triggers.map((t) => t.id), ['task:split', 'task:split:results', 'task:count', 'task:count:results', 'task:alert', 'task:alert:results', 'end']);
    assert.deepEqual(compiled.triggers[2]!.condition, { name: 'dagTaskJoin', options: { upstream: ['split'] } });
    assert.deepEqual(compiled.triggers[4]!.condition, { name: 'dagTaskJoin', options: { upstream: ['count'], onFailureOf: 'count' } });
    assert.deepEqual([...compiled.deployables.keys()], ['echo-0'], 'tasks that share a deployable share its deployment');
  });
});
