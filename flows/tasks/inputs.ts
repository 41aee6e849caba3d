import { JSONPath } from 'jsonpath-plus';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import { FLOW_START, type FlowGraph, type FlowNode } from './graph.js';

/** A node's input failed littleflow's rules (a `merge` over something that is not an object). */
export class InputError extends Error {}

/**
 * A node's input as littleflow makes it: the outputs flowing in over its incoming edges (the
 * workflow's input over an edge from the start), those that exist: none is `{}`, one is itself,
 * several are a list, which `merge` folds into one object (later keys win).
 */
export function inputOf(graph: FlowGraph, node: string, outputOf: (from: string) => Json | undefined): Json {
  const incoming = graph.edges.filter((edge) => edge.to === node).map((edge) => outputOf(edge.from)).filter((value): value is Json => value !== undefined);
  const merge = graph.nodes.find((n) => n.id === node)?.merge === true;
  const input: Json = incoming.length === 0 ? {} : incoming.length === 1 ? incoming[0]! : incoming;
  return merge ? merged(input) : input;
}

function merged(input: Json): Json {
  if (!Array.isArray(input)) return input;
  const out: JsonObject = {};
  for (const item of input) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new InputError(`merge (>) needs objects to merge, and one input is ${JSON.stringify(item)}`);
    Object.assign(out, item);
  }
  return out;
}

/** Whether a node runs: no guard, or its JSONPath guard selects something in the input. */
export function guardAllows(node: FlowNode, input: Json): boolean {
  if (node.guard === undefined) return true;
  return JSONPath({ path: node.guard, json: input, wrap: true, eval: 'safe' }).length > 0;
}

/** The problem with a guard's JSONPath, or undefined when it parses. */
export function guardProblem(guard: string): string | undefined {
  try {
    JSONPath({ path: guard, json: {}, wrap: true, eval: 'safe' });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The node's incoming edges: littleflow starts a node once it has seen an end on each (at least one). */
export function thresholdOf(graph: FlowGraph, node: string): number {
  return Math.max(1, graph.edges.filter((edge) => edge.to === node).length);
}

export const isStart = (id: string) => id === FLOW_START;
