import type { History } from '../../code/history.js';
import type { CallRecord } from '../../code/records.js';
import { summarize } from '../../code/runs.js';
import { FLOW_END, FLOW_START, type FlowNode } from '../../tasks/graph.js';
import type { TaskState, WorkflowState } from '../../tasks/service-types.js';
import type { WorkflowTask, WorkflowView } from './source.js';

/**
 * When this process first saw a run, each call and each result in its log, by `<run>`,
 * `<run> <slot>` and `<run> <slot>!`: the times shown for records of a log written before records
 * had their `at`.
 */
export class FirstSeen {
  readonly #at = new Map<string, number>();

  at(key: string, now: number): number {
    let at = this.#at.get(key);
    if (at === undefined) this.#at.set(key, (at = now));
    return at;
  }
}

/** A stalled run (its coordinator given up) shows as failed, with why, until a resume carries it on. */
const RUN_STATES = { running: 'running', stalled: 'failed', succeeded: 'finished', failed: 'failed', cancelled: 'terminated' } as const satisfies Record<string, WorkflowState>;

const NAMES: Record<CallRecord['op'], string> = { invoke: 'invoke', sleep: 'sleep', event: 'waitForEvent', child: 'child', value: 'value' };

/**
 * A workflow-as-code run as the API shows it: its calls in log order as a line of tasks, keyed as
 * the log keys them (`A000`, a map's slots `M001/0`, `M001/1`, ...), each with its state, output or
 * error and attempts (1 + the retries a resume asked for); sleeps and event waits are waiting tasks
 * until they end.
 */
export function codeRunView(runId: string, history: History, seen: FirstSeen, now = Date.now()): WorkflowView {
  const summary = summarize(runId, history);
  const tasks = history.calls.flatMap((call) => slotsOf(call).map((slot) => taskOf(runId, history, call, slot, seen, now)));
  const nodes: FlowNode[] = tasks.map((task) => ({ id: task.node, name: task.name }));
  const ids = [FLOW_START, ...nodes.map((node) => node.id), FLOW_END];
  const finished = summary.status !== 'running' && summary.status !== 'stalled';
  return {
    id: runId,
    name: summary.workflow,
    kind: 'code',
    state: RUN_STATES[summary.status],
    createdAt: history.started?.at ?? seen.at(runId, now),
    ...(finished ? { endedAt: history.finished?.at ?? seen.at(`${runId} !`, now) } : {}),
    archived: false,
    graph: { name: summary.workflow, nodes, edges: ids.slice(1).map((to, i) => ({ from: ids[i]!, to })) },
    input: history.started?.input ?? null,
    ...(summary.output === undefined ? {} : { output: summary.output }),
    ...(summary.error === undefined ? {} : { error: summary.error }),
    tasks,
  };
}

function slotsOf(call: CallRecord): Array<{ readonly node: string; readonly slot: string }> {
  const count = call.op === 'invoke' ? (call.count ?? 1) : 1;
  if (count === 1) return [{ node: call.position, slot: `${call.position}/0` }];
  return Array.from({ length: count }, (_, index) => ({ node: `${call.position}/${index}`, slot: `${call.position}/${index}` }));
}

function taskOf(runId: string, history: History, call: CallRecord, { node, slot }: { node: string; slot: string }, seen: FirstSeen, now: number): WorkflowTask {
  const name = call.op === 'child' && call.target !== undefined ? `child ${call.target}` : call.op === 'invoke' && node !== call.position ? 'map' : NAMES[call.op];
  const attempt = history.epochOf(slot) + 1;
  const startedAt = call.at ?? seen.at(`${runId} ${slot}`, now);
  if (call.op === 'value') return { node, name, state: 'succeeded', attempt, startedAt, endedAt: startedAt, ...(call.value === undefined ? {} : { output: call.value }) };
  const result = history.result(slot);
  if (result) {
    const ended = { startedAt, endedAt: result.at ?? seen.at(`${runId} ${slot}!`, now) };
    return result.ok ? { node, name, state: 'succeeded', attempt, ...ended, output: result.output } : { node, name, state: 'failed', attempt, ...ended, error: result.error };
  }
  const waits = call.op === 'sleep' || call.op === 'event';
  const state: TaskState = history.finished ? 'skipped' : waits ? 'waiting' : 'running';
  return { node, name, state, attempt, startedAt, ...(call.op === 'sleep' && call.dueAt !== undefined ? { input: { until: new Date(call.dueAt).toISOString() } } : {}) };
}
