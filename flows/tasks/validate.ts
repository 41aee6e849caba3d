import { FlowGraphError } from './errors.js';
import { isSubflowKind, isWaitKind } from './effects.js';
import { FLOW_END, FLOW_START, type FlowGraph } from './graph.js';
import { guardProblem } from './inputs.js';

/**
 * Checks a graph before it runs: node ids unique, edges between known endpoints, something after
 * the start, guards that parse, and (when the service knows which kinds its workers take) no kind
 * that no worker can ever take. Every problem is named in one `FlowGraphError`.
 */
export function checkGraph(graph: FlowGraph, kinds?: readonly string[]): void {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const node of graph.nodes) {
    if (ids.has(node.id)) problems.push(`node id "${node.id}" is used twice`);
    ids.add(node.id);
    if (node.guard !== undefined) {
      const problem = guardProblem(node.guard);
      if (problem) problems.push(`node "${node.id}": the guard ${JSON.stringify(node.guard)} is not JSONPath (${problem})`);
    }
    if (kinds && node.literal === undefined && !isWaitKind(node.name) && !isSubflowKind(node.name) && !kinds.includes(node.name)) {
      problems.push(`node "${node.id}" runs kind "${node.name}", which no worker of this service takes (kinds: ${kinds.join(', ') || 'none'}): start a worker for it, or fix the name`);
    }
  }
  for (const edge of graph.edges) {
    if (edge.from !== FLOW_START && !ids.has(edge.from)) problems.push(`an edge starts at "${edge.from}", which is no node of the graph`);
    if (edge.to !== FLOW_END && !ids.has(edge.to)) problems.push(`an edge ends at "${edge.to}", which is no node of the graph`);
    if (edge.to === FLOW_START || edge.from === FLOW_END) problems.push(`an edge ${edge.from} → ${edge.to} runs backwards through ${FLOW_START}/${FLOW_END}`);
  }
  if (graph.nodes.length > 0 && !graph.edges.some((edge) => edge.from === FLOW_START)) problems.push(`no edge leaves ${FLOW_START}: nothing would ever start`);
  if (problems.length > 0) throw new FlowGraphError(`flow graph "${graph.name}" cannot run: ${problems.join('; ')}`);
}
