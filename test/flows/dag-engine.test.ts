import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileDag, DAG_STARTED, dag, dagTaskJoin, TASK_ENDED, dagInput, errorOf, item, output, WORKFLOW_FAILED, WORKFLOW_SUCCEEDED, type DagOutcome } from '../../flows/index.js';
import { deployable } from '../../src/index.js';
import { makeEvent, type FalcoEvent, type Json, type JsonObject } from '../../stores/index.js';
import { EngineHarness, type Fn } from './dag-and-state-machine-harness.js';

const fn = (name: string) => deployable({ runtime: 'nodejs:20', name, code: { source: 'function main(a) { return a; }' } });
const split = fn('split');
const count = fn('count');
const total = fn('total');
const alert = fn('alert');

const words: Fn = (input) => ({ chunks: String((input as { text: string }).text).split('|') });
const length: Fn = (input) => ({ n: String((input as { chunk: string }).chunk).split(' ').length });
const sum: Fn = (input) => ({ sum: ((input as { counts: Array<{ n: number }> }).counts).reduce((a, c) => a + c.n, 0) });
const functions = { 'split-0': words, 'count-1': length, 'total-2': sum, 'alert-3': (input: Json) => ({ alerted: input }) };

const wordCount = dag('words')
  .task('split', { deployable: split, input: { text: dagInput('text') } })
  .task('count', { deployable: count, forEach: output('split', 'chunks'), input: { chunk: item() } })
  .task('total', { deployable: total, input: { counts: output('count') } })
  .task('alert', { deployable: alert, onFailureOf: 'count', input: { error: errorOf('count') } });

function run(overrides: Record<string, Fn> = {}, text = 'a b|c d e|f', options: { twice?: boolean; retries?: number; redo?: Record<string, Fn> } = {}) {
  const definition = options.retries === undefined ? wordCount : dag('words')
    .task('split', { deployable: split, input: { text: dagInput('text') } })
    .task('count', { deployable: count, forEach: output('split', 'chunks'), input: { chunk: item() }, retries: options.retries })
    .task('total', { deployable: total, input: { counts: output('count') } })
    .task('alert', { deployable: alert, onFailureOf: 'count', input: { error: errorOf('count') } });
  const { triggers } = compileDag(definition, 'ws');
  const harness = new EngineHarness(triggers, { ...functions, ...overrides }, { global: { input: { text } }, twice: options.twice ?? false, redo: options.redo ?? {} });
  const end = harness.publish({ id: 'start', source: 'test', type: DAG_STARTED, subject: 'ws' }).run();
  return { end, outcome: end.data as DagOutcome, harness };
}

describe('DAG on the trigger engine', () => {
  it('runs a fan-out over a list and joins it: one invocation per item, outputs in order, the on-failure task skipped', () => {
    const { end, outcome, harness } = run();
    assert.equal(end.type, WORKFLOW_SUCCEEDED);
    assert.deepEqual(outcome.outputs, { split: { chunks: ['a b', 'c d e', 'f'] }, count: [{ n: 2 }, { n: 3 }, { n: 1 }], total: { sum: 6 } });
    assert.deepEqual(outcome.skipped, ['alert']);
    assert.equal(harness.commands.filter((c) => c.deployment === 'count-1').length, 3);
    assert.deepEqual(harness.commands.map((c) => c.idempotencyKey).slice(0, 2), ['ws/task:split/0.1', 'ws/task:count/0.1']);
  });

  it('counts every result once when the worker reports each twice', () => {
    const { end, outcome, harness } = run({}, 'a b|c d e|f', { twice: true });
    assert.equal(end.type, WORKFLOW_SUCCEEDED);
    assert.deepEqual(outcome.outputs.total, { sum: 6 });
    assert.equal(harness.commands.length, 5, 'no task started twice');
    assert.equal(harness.published.filter((e) => e.type === 'falco.dag.task.ended').length, 4);
  });

  it('keeps the first result of an invocation: a re-done one that fails afterwards changes nothing', () => {
    const { end, outcome, harness } = run({}, 'a b|c d e|f', { retries: 1, redo: { 'count-1': () => { throw new Error('second run failed'); } } });
    assert.equal(end.type, WORKFLOW_SUCCEEDED);
    assert.deepEqual(outcome.outputs.total, { sum: 6 });
    assert.equal(harness.commands.length, 5, 'no retry for a result that came after the first');
  });

  it('counts an upstream task\'s first end event only, whatever comes after it', () => {
    const context: JsonObject = {};
    const ended = (status: string, id: string) => makeEvent({ id, source: 'test', type: TASK_ENDED, subject: 'task:a', data: { task: 'a', status } });
    const test = (event: FalcoEvent) => dagTaskJoin.test({ workspace: 'ws', trigger: { id: 'task:b', activation: [], condition: { name: 'dagTaskJoin' }, action: { name: 'dagTask' } }, event, entryId: event.id, context, global: {}, options: { upstream: ['a', 'c'] } });
    assert.equal(test(ended('succeeded', '1')), false);
    assert.equal(test(ended('failed', '2')), false);
    assert.equal(test(makeEvent({ id: '3', source: 'test', type: TASK_ENDED, subject: 'task:c', data: { task: 'c', status: 'succeeded' } })), true);
    assert.equal(context.route, 'run', 'the later "failed" for a did not count');
  });

  it('re-invokes a failed item while it has retries left, with a new idempotency key', () => {
    let failures = 0;
    const flaky: Fn = (input, command) => {
      if ((input as { chunk: string }).chunk === 'f' && failures++ < 2) throw new TypeError(`flaky ${command.key}`);
      return length(input, command);
    };
    const { end, outcome, harness } = run({ 'count-1': flaky }, 'a b|c d e|f', { retries: 2 });
    assert.equal(end.type, WORKFLOW_SUCCEEDED);
    assert.deepEqual(outcome.outputs.total, { sum: 6 });
    assert.deepEqual(harness.commands.filter((c) => c.input && (c.input as { chunk?: string }).chunk === 'f').map((c) => c.key), ['2.1', '2.2', '2.3']);
  });

  it('takes the on-failure branch when a task finally fails: its error goes in, tasks after the failure are skipped, the DAG succeeds', () => {
    const broken: Fn = (input) => {
      if ((input as { chunk: string }).chunk === 'c d e') throw new RangeError('too many words');
      return { n: 1 };
    };
    const { end, outcome, harness } = run({ 'count-1': broken }, 'a b|c d e|f', { retries: 1 });
    assert.equal(end.type, WORKFLOW_SUCCEEDED);
    assert.deepEqual(outcome.skipped, ['total']);
    assert.deepEqual(Object.keys(outcome.failed), ['count']);
    assert.deepEqual(outcome.unhandled, []);
    const alerted = (outcome.outputs.alert as { alerted: { error: Json } }).alerted.error;
    assert.deepEqual(alerted, { class: 'function', name: 'FunctionError', message: 'too many words', type: 'RangeError', item: 1, attempts: 2 });
    assert.equal(harness.commands.filter((c) => (c.input as { chunk?: string }).chunk === 'c d e').length, 2, 'one retry');
  });

  it('fails the DAG when a task fails and nothing handles it', () => {
    const plain = dag('plain').task('split', { deployable: split, input: { text: dagInput('text') } }).task('total', { deployable: total, input: { counts: output('split') } });
    const { triggers } = compileDag(plain, 'ws');
    const harness = new EngineHarness(triggers, { 'split-0': () => { throw new Error('disk full'); }, 'total-1': sum }, { global: { input: { text: 'x' } } });
    const end = harness.publish({ id: 'start', source: 'test', type: DAG_STARTED, subject: 'ws' }).run();
    assert.equal(end.type, WORKFLOW_FAILED);
    const outcome = end.data as DagOutcome;
    assert.deepEqual(outcome.unhandled, ['split']);
    assert.deepEqual(outcome.skipped, ['total']);
  });

  it('fails a task whose input cannot be built, naming the reference', () => {
    const { end, outcome } = run({ 'split-0': () => ({ pieces: [] }) });
    assert.equal(end.type, WORKFLOW_SUCCEEDED, 'the on-failure task handles it');
    assert.match((outcome.failed.count as { message: string }).message, /task "count": its input cannot be built: \{ "\$output": "split.chunks" \} selects nothing/);
  });

  it('gives an empty list to the next task when a fan-out has no items', () => {
    const { outcome } = run({ 'split-0': () => ({ chunks: [] }) });
    assert.deepEqual(outcome.outputs.count, []);
    assert.deepEqual(outcome.outputs.total, { sum: 0 });
  });
});
