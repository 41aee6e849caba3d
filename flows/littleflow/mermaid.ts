import { FLOW_END, FLOW_START, type FlowGraph, type FlowNode } from '../tasks/graph.js';
import { SUBFLOW_END, SUBFLOW_START } from './compiler.js';

/**
 * A flow graph as a mermaid `stateDiagram-v2`, drawn as littleflow's spec draws its examples: `[*]` for the
 * start and end, `state "A" as A.1` per task, subflow boundaries as `_start_2_ <<fork>>` / `_end_5_ <<join>>`.
 */
export function mermaidOf(graph: FlowGraph): string {
  const lines = ['stateDiagram-v2', '  direction LR'];
  const names = new Map<string, string>([
    [FLOW_START, '[*]'],
    [FLOW_END, '[*]'],
  ]);
  for (const node of graph.nodes) {
    const name = stateName(node);
    names.set(node.id, name);
    if (node.name === SUBFLOW_START) lines.push(`  state ${name} <<fork>>`);
    else if (node.name === SUBFLOW_END) lines.push(`  state ${name} <<join>>`);
    else lines.push(`  state "${labelOf(node)}" as ${name}`);
  }
  for (const edge of graph.edges) lines.push(`  ${names.get(edge.from) ?? edge.from}-->${names.get(edge.to) ?? edge.to}`);
  return `${lines.join('\n')}\n`;
}

function stateName(node: FlowNode): string {
  const number = node.id.slice(node.id.lastIndexOf('.') + 1);
  if (node.name === SUBFLOW_START) return `_start_${number}_`;
  if (node.name === SUBFLOW_END) return `_end_${number}_`;
  return node.id.replaceAll(':', '_COLON_').replaceAll('-', '_HYPHEN_');
}

function labelOf(node: FlowNode): string {
  const uri = node.parameters?.['uri'];
  return node.name === 'resource' && typeof uri === 'string' ? `<${uri}>` : node.name;
}
