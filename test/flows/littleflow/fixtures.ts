import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FlowEdge, FlowGraph, FlowNode } from '../../../flows/tasks/graph.js';

/** The littleflow fixtures, in the source tree (tests run from dist/, where .flow files are not copied). */
export const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/littleflow/', import.meta.url));

export const fixture = (name: string): string => `${FIXTURES}${name}`;

/** A graph as littleflow's compiler built it, or its error (test/fixtures/littleflow/reference-graphs.json). */
export type Reference = Shape | { readonly error: string };

export interface Shape {
  readonly nodes: FlowNode[];
  readonly edges: FlowEdge[];
}

export const REFERENCE = JSON.parse(readFileSync(fixture('reference-graphs.json'), 'utf8')) as Record<string, Reference>;

/** The graph's nodes and edges without their source positions, as the reference has them. */
export function shape(graph: FlowGraph): Shape {
  return { nodes: graph.nodes.map(({ source: _source, ...node }) => node), edges: [...graph.edges] };
}
