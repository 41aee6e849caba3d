import type { ErrorInfo } from '../../src/invocation.js';
import type { FalcoEvent } from '../../stores/ports/event.js';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import { delayTimerId, endTaskEvent, type EndTask, type StartTask } from './events.js';
import { isSubflowKind, isWaitKind, taskError, type LatchOp, type StepEffects } from './effects.js';
import { WorkflowStateError } from './errors.js';
import { FLOW_END, FLOW_START, SUBFLOW_START, type FlowGraph, type FlowNode } from './graph.js';
import { guardAllows, InputError, inputOf, thresholdOf } from './inputs.js';
import { outStateOf, type WorkflowHeader, type WorkflowRecord } from './record.js';
import type { WorkflowState } from './service-types.js';

/** Nodes that end at once (literals, skipped guards) one advance may run through: more is a loop that never waits. */
const MAX_IMMEDIATE = 10_000;

/**
 * Littleflow's algorithm on one workflow record, changed in place: an end on each incoming edge
 * starts a node (its input the outputs flowing in); a task's end passes its output on. What it
 * asks of the world (start a task, set a timer, touch a latch) goes to `effects`, which the
 * caller writes in the same checkpoint as the record.
 */
export class WorkflowRun {
  readonly record: WorkflowRecord;
  readonly #effects: StepEffects;
  readonly #now: number;
  #immediate = 0;

  constructor(record: WorkflowRecord, effects: StepEffects, now = Date.now()) {
    this.record = record;
    this.#effects = effects;
    this.#now = now;
  }

  static create(id: string, graph: FlowGraph, input: Json, now = Date.now()): WorkflowHeader {
    return { id, name: graph.name, graph, input, state: 'running', createdAt: now, archived: false };
  }

  /** Whether an event of this type may end one of the workflow's `wait:event` tasks (the nodes need reading to know). */
  static awaits(header: WorkflowHeader, type: string): boolean {
    return !header.archived && header.graph.nodes.some((node) => node.name === 'wait:event' && node.parameters?.type === type);
  }

  /** The start ends: the nodes after it start. */
  begin(): void {
    this.#passOn(FLOW_START);
    this.#settle();
  }

  /** Applies an end-task; returns why it does not apply (unknown task, not the dispatch running), or undefined. */
  end(end: EndTask): string | undefined {
    const { record } = this;
    const run = record.nodes[end.node];
    if (!run) return `workflow "${record.id}" has no task "${end.node}" (its tasks: ${record.graph.nodes.map((node) => node.id).join(', ')})`;
    if (run.dispatch !== end.dispatch || (run.state !== 'running' && run.state !== 'waiting')) {
      return `task "${end.node}" of workflow "${record.id}" is ${run.state} at dispatch ${run.dispatch}, and this end-task is for dispatch ${end.dispatch}: an end-task counts once, for the dispatch running`;
    }
    run.attempt += (end.deliveries ?? 1) - 1;
    if (end.startedAt !== undefined) run.startedAt = end.startedAt;
    run.endedAt = end.endedAt ?? this.#now;
    if (end.attempts) run.attempts = end.attempts;
    if (end.status === 'succeeded') this.#succeed(end.node, end.output ?? {});
    else this.#fail(end.node, end.error ?? taskError('the task failed and gave no reason'));
    this.#settle();
    return undefined;
  }

  /** Ends the `wait:event` tasks this event is for (its type, and its data holding their input where they ask so); returns how many. */
  matchEvent(event: FalcoEvent): number {
    let matched = 0;
    for (const node of this.record.graph.nodes) {
      const run = this.record.nodes[node.id]!;
      if (node.name !== 'wait:event' || run.state !== 'waiting' || node.parameters?.type !== event.type) continue;
      if (node.parameters.match === true && !contains(event.data as Json | undefined, run.input)) continue;
      run.endedAt = this.#now;
      this.#succeed(node.id, (event.data as Json | undefined) ?? run.input ?? {});
      matched++;
    }
    if (matched > 0) this.#settle();
    return matched;
  }

  pause(): void {
    this.#require(['running'], 'pause');
    this.record.state = 'paused';
  }

  resume(): void {
    this.#require(['paused'], 'resume');
    this.record.state = 'running';
    this.#dispatchReady();
    this.#settle();
  }

  /** Wait tasks end at once; tasks out with workers are let finish (`terminating`), then the workflow is `terminated`. */
  terminate(): void {
    this.#require(['running', 'paused'], 'terminate');
    for (const [id, run] of Object.entries(this.record.nodes)) {
      delete run.ready;
      if (run.state !== 'waiting') continue;
      if (this.#kindOf(id) === 'wait:delay') this.#effects.cancelTimer(delayTimerId(this.record.id, id, run.dispatch));
      run.state = 'failed';
      run.error = taskError('the workflow was terminated', 'aborted');
      run.endedAt = this.#now;
    }
    this.record.state = 'terminating';
    this.#settle();
  }

  /** Runs the failed tasks again (finished ones keep their outputs), and those that were ready meanwhile. */
  restart(): void {
    this.#require(['failed'], 'restart');
    const { record } = this;
    record.state = 'running';
    delete record.error;
    delete record.endedAt;
    for (const [id, run] of Object.entries(record.nodes)) if (run.state === 'failed') this.#dispatch(id);
    this.#dispatchReady();
    this.#settle();
  }

  #require(states: readonly WorkflowState[], operation: string): void {
    if (!states.includes(this.record.state)) {
      throw new WorkflowStateError(`cannot ${operation} workflow "${this.record.id}": it is ${this.record.state}, and ${operation} applies to a ${states.join(' or ')} workflow`);
    }
  }

  #kindOf(id: string): string {
    return this.record.graph.nodes.find((node) => node.id === id)!.name;
  }

  #dispatchReady(): void {
    for (const [id, run] of Object.entries(this.record.nodes)) if (run.ready && this.record.state === 'running') this.#dispatch(id);
  }

  /** An end on each edge out of `from`: a node that has one on each of its incoming edges starts. */
  #passOn(from: string): void {
    const { graph, nodes } = this.record;
    for (const edge of graph.edges) {
      if (edge.from !== from || edge.to === FLOW_END) continue;
      const run = nodes[edge.to]!;
      run.activation++;
      const threshold = thresholdOf(graph, edge.to);
      if (run.activation < threshold) continue;
      run.activation -= threshold;
      if (this.record.state === 'running') this.#dispatch(edge.to);
      else run.ready = true;
    }
  }

  #dispatch(id: string): void {
    const { record } = this;
    const node = record.graph.nodes.find((n) => n.id === id)!;
    const run = record.nodes[id]!;
    delete run.ready;
    delete run.output;
    delete run.error;
    delete run.endedAt;
    run.attempt++;
    run.dispatch++;
    run.startedAt = this.#now;
    let input: Json;
    try {
      input = inputOf(record.graph, id, (from) => (from === FLOW_START ? record.input : record.nodes[from]?.output));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return this.#failNow(id, taskError(error.message));
    }
    run.input = input;
    if (node.literal !== undefined) return this.#endNow(id, 'succeeded', node.literal);
    if (!guardAllows(node, input)) return node.name === SUBFLOW_START ? this.#skipSubflow(id, node, input) : this.#endNow(id, 'skipped', input);
    if (isSubflowKind(node.name)) return this.#endNow(id, 'succeeded', input);
    const task: StartTask = { workflow: record.id, node: id, kind: node.name, dispatch: run.dispatch, input, parameters: node.parameters ?? {} };
    if (!isWaitKind(node.name)) {
      run.state = 'running';
      this.#effects.startTask(task);
      return;
    }
    const problem = this.#wait(task);
    if (problem) this.#failNow(id, taskError(`${node.name} task "${id}": ${problem}`));
    else run.state = 'waiting';
  }

  /** Starts a wait task; returns what is wrong with its parameters, if anything. */
  #wait(task: StartTask): string | undefined {
    const { parameters } = task;
    if (task.kind === 'wait:delay') {
      const seconds = parameters.seconds;
      if (typeof seconds !== 'number' || !(seconds >= 0)) return `needs { "seconds": <a number ≥ 0> }, and has ${JSON.stringify(parameters)}`;
      const event = endTaskEvent({ workflow: task.workflow, node: task.node, dispatch: task.dispatch, status: 'succeeded', output: task.input });
      this.#effects.setTimer({ id: delayTimerId(task.workflow, task.node, task.dispatch), dueAt: this.#now + seconds * 1000, event });
      return undefined;
    }
    if (task.kind === 'wait:event') return typeof parameters.type === 'string' && parameters.type !== '' ? undefined : `needs { "type": "<the CloudEvent type to wait for>" }, and has ${JSON.stringify(parameters)}`;
    const latch = parameters.latch;
    if (typeof latch !== 'string' || latch === '') return `needs { "latch": "<the latch's name>" }, and has ${JSON.stringify(parameters)}`;
    this.#effects.latch(task.kind.slice('wait:'.length) as LatchOp, latch, task);
    return undefined;
  }

  /** A subflow whose start's guard selects nothing: its tasks stay pending and its end passes the input on. */
  #skipSubflow(id: string, node: FlowNode, input: Json): void {
    const end = node.parameters?.end;
    const endRun = typeof end === 'string' ? this.record.nodes[end] : undefined;
    if (!endRun) return this.#failNow(id, taskError(`subflow start "${id}" names no subflow end in parameters.end (found ${JSON.stringify(end)}): compile the graph with compileFlow`));
    this.#endNow(id, 'skipped', input);
    endRun.input = input;
    endRun.startedAt = this.#now;
    this.#endNow(end as string, 'skipped', input);
  }

  /** Ends a node that needs no worker (a literal, a skipped guard); its successors start. */
  #endNow(id: string, state: 'succeeded' | 'skipped', output: Json): void {
    if (++this.#immediate > MAX_IMMEDIATE) return this.#failNow(id, taskError(`more than ${MAX_IMMEDIATE} tasks ended at once without a worker: the graph loops through literals or skipped guards only`));
    const run = this.record.nodes[id]!;
    run.endedAt = this.#now;
    this.#succeed(id, output, state);
  }

  #failNow(id: string, error: ErrorInfo): void {
    this.record.nodes[id]!.endedAt = this.#now;
    this.#fail(id, error);
  }

  #succeed(id: string, output: Json, state: 'succeeded' | 'skipped' = 'succeeded'): void {
    const run = this.record.nodes[id]!;
    run.state = state;
    run.output = output;
    this.#passOn(id);
  }

  #fail(id: string, error: ErrorInfo): void {
    const { record } = this;
    const run = record.nodes[id]!;
    run.state = 'failed';
    run.error = error;
    if (record.state === 'running' || record.state === 'paused') {
      record.state = 'failed';
      record.error = { ...error, message: `task "${id}" (${this.#kindOf(id)}) failed: ${error.message}` };
      record.endedAt = this.#now;
    }
  }

  /** A running workflow with nothing out and nothing ready has finished; a terminating one with nothing out is terminated. */
  #settle(): void {
    const { record } = this;
    const out = new Set([...Object.values(record.elsewhere), ...Object.values(record.nodes).map(outStateOf)]);
    if (record.state === 'terminating' && !out.has('running')) {
      record.state = 'terminated';
      record.endedAt = this.#now;
    } else if (record.state === 'running' && !out.has('running') && !out.has('waiting') && !out.has('ready')) {
      record.state = 'finished';
      record.endedAt = this.#now;
      record.output = inputOf({ ...record.graph, nodes: [] }, FLOW_END, (from) => (from === FLOW_START ? record.input : record.nodes[from]?.output));
    }
  }
}

/** Whether `data` holds every key of `input` with an equal value (any data holds a non-object input's absence). */
function contains(data: Json | undefined, input: Json | undefined): boolean {
  if (input === undefined || input === null || typeof input !== 'object' || Array.isArray(input)) return true;
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) return Object.keys(input).length === 0;
  return Object.entries(input as JsonObject).every(([key, value]) => JSON.stringify((data as JsonObject)[key]) === JSON.stringify(value));
}
