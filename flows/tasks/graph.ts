import type { Json, JsonObject } from '../../stores/ports/workspace.js';

/** The implied start and end of a flow graph, as edge endpoints. */
export const FLOW_START = '$start';
export const FLOW_END = '$end';

/** The kinds of a subflow's start and end nodes, which the workflow service runs itself (see `FlowNode.name`). */
export const SUBFLOW_START = 'flow:start';
export const SUBFLOW_END = 'flow:end';

/**
 * One task invocation in a flow graph. Several nodes may run the same task (`name`): each is a
 * distinct invocation (littleflow: "every task referenced in a flow statement is a unique invocation").
 */
export interface FlowNode {
  /** Unique in the graph: `<name>.<n>` as littleflow numbers them (`A.1`, `B.2`). */
  readonly id: string;
  /**
   * What runs: a task kind the workers know. `falco:<deployment>` invokes a falco function; `wait:delay`,
   * `wait:event`, `wait:acquire`, `wait:release`, `wait:countdown` are the engine's own wait tasks;
   * `flow:start` and `flow:end` are a subflow's start and end, which pass their input on as their output
   * (merged with `merge`): the `.flow` compiler keeps them where they carry a guard or a merge, and a
   * `flow:start` whose guard selects nothing skips its subflow, handing its input to the `flow:end` named
   * by its `parameters.end`; anything else is a user's `TaskWorker` kind.
   */
  readonly name: string;
  /** The task's parameters (declaration defaults merged under the statement's literal). @default {} */
  readonly parameters?: JsonObject;
  /** A JSONPath guard over the node's input: when it selects nothing the node is skipped. */
  readonly guard?: string;
  /** The merge operator `>`: several inputs are merged into one object instead of a list. */
  readonly merge?: boolean;
  /** A literal or resource that produces a fixed output (`<- a: 1 ->`, `<file.json>`), instead of a task. */
  readonly literal?: Json;
  /** Where the node came from in its source, for error messages. */
  readonly source?: { readonly line: number; readonly column: number };
}

/** A directed edge: `from` occurs before `to`; its output flows over it as (part of) `to`'s input. */
export interface FlowEdge {
  readonly from: string;
  readonly to: string;
}

/**
 * A workflow as a graph of task invocations (cycles allowed, as in littleflow). The `.flow` compiler
 * and falco's typed DAG builder both produce one; the distributed workflow service runs it.
 */
export interface FlowGraph {
  readonly name: string;
  readonly doc?: string;
  /** The `@flow` declaration's parameters. */
  readonly parameters?: JsonObject;
  readonly nodes: readonly FlowNode[];
  /** Edges between node ids, `FLOW_START` and `FLOW_END`. */
  readonly edges: readonly FlowEdge[];
}
