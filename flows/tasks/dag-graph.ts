import type { Deployable } from '../../src/deployable.js';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import type { Dag } from '../dag/dag.js';
import { refsIn, resolve } from '../dag/refs.js';
import { checkDag } from '../dag/validate.js';
import { FlowGraphError } from './errors.js';
import { FALCO_KIND } from './effects.js';
import { FLOW_END, FLOW_START, type FlowEdge, type FlowGraph, type FlowNode } from './graph.js';

/** A DAG as a flow graph, and the functions its `falco:<name>` kinds invoke, by name. */
export interface DagGraph {
  readonly graph: FlowGraph;
  readonly deployables: Readonly<Record<string, Deployable>>;
}

/**
 * Falco's typed `Dag` as a flow graph for the workflow service: each task a node of kind
 * `falco:<deployable name>`, an edge from each task it waits for (and from the start, for a first
 * task or one that reads the DAG's input). The task's input template rides along in its
 * parameters (`template`, with `inputs`: the edges in order), and the `falco:` worker resolves
 * `output()` and `dagInput()` against the outputs flowing in. `forEach`, `retries` and
 * `onFailureOf` run with `runDag` only: a DAG using them is a `FlowGraphError`.
 */
export function graphOfDag(dag: Dag<string>): DagGraph {
  const tasks = checkDag(dag);
  const unsupported = tasks.flatMap((task) => [task.forEach !== undefined ? `"${task.id}" uses forEach` : [], task.retries > 0 ? `"${task.id}" uses retries` : [], task.onFailureOf !== undefined ? `"${task.id}" uses onFailureOf` : []].flat());
  if (unsupported.length > 0) throw new FlowGraphError(`DAG "${dag.id}" cannot run on the workflow service: ${unsupported.join('; ')}; run it with runDag, or drop these`);
  const deployables: Record<string, Deployable> = {};
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const downstream = new Set(tasks.flatMap((task) => task.upstream));
  for (const task of tasks) {
    const other = deployables[task.deployable.name];
    if (other && other !== task.deployable) throw new FlowGraphError(`DAG "${dag.id}": two different deployables are named "${task.deployable.name}"; name each function uniquely`);
    deployables[task.deployable.name] = task.deployable;
    const readsInput = task.upstream.length === 0 || refsIn(task.input).some((ref) => ref.kind === '$input');
    const inputs = [...(readsInput ? [FLOW_START] : []), ...task.upstream];
    for (const from of inputs) edges.push({ from, to: task.id });
    if (!downstream.has(task.id)) edges.push({ from: task.id, to: FLOW_END });
    nodes.push({ id: task.id, name: `${FALCO_KIND}${task.deployable.name}`, parameters: { template: task.input, inputs } });
  }
  return { graph: { name: dag.id, nodes, edges }, deployables };
}

/**
 * A `graphOfDag` task's function input: its template resolved against the values that flowed in
 * (one per edge, in `inputs` order, as a list when there are several). Other tasks take their input as it came.
 */
export function dagTaskInput(parameters: Readonly<Record<string, Json>>, input: Json): Json {
  const { template, inputs } = parameters;
  if (template === undefined || !Array.isArray(inputs)) return input;
  const values = inputs.length > 1 && Array.isArray(input) ? input : [input];
  const outputs: JsonObject = {};
  let dagInput: Json = {};
  inputs.forEach((from, index) => {
    if (from === FLOW_START) dagInput = values[index] ?? {};
    else if (typeof from === 'string') outputs[from] = values[index] ?? null;
  });
  return resolve(template, { outputs, errors: {}, input: dagInput });
}
