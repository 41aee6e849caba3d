import { isSubflowKind } from './effects.js';
import { FLOW_END, type FlowGraph } from './graph.js';

/**
 * The nodes ends of the `ended` nodes (those in the graph) may read or change, one read for several ends of a workflow in one batch: its successors and their inputs, on through
 * nodes that end at once (literals, guards, subflow starts and ends, and the subflow end a start
 * names), and the nodes whose outputs make the workflow's. A task end reads these only; a step
 * that reaches another is redone on all of the workflow's nodes.
 */
export function nodesAround(graph: FlowGraph, ended: readonly string[]): string[] {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const needed = new Set(ended.filter((id) => nodes.has(id)));
  const add = (id: string) => nodes.has(id) && needed.add(id);
  for (const edge of graph.edges) if (edge.to === FLOW_END) add(edge.from);
  const expanded = new Set<string>();
  const queue = [...ended];
  while (queue.length > 0) {
    const from = queue.pop()!;
    if (expanded.has(from)) continue;
    expanded.add(from);
    for (const edge of graph.edges) {
      const to = edge.from === from ? nodes.get(edge.to) : undefined;
      if (!to) continue;
      add(to.id);
      for (const into of graph.edges) if (into.to === to.id) add(into.from);
      const end = to.parameters?.end;
      if (typeof end === 'string' && add(end)) queue.push(end);
      if (to.literal !== undefined || to.guard !== undefined || isSubflowKind(to.name)) queue.push(to.id);
    }
  }
  return [...needed];
}
