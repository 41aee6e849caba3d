import { z } from 'zod';
import type { Json } from '../../stores/ports/workspace.js';
import type { FlowGraph } from '../tasks/graph.js';
import { WorkflowApiError } from './errors.js';

/** What `POST /api/workflows` takes: a graph as JSON, or `.flow` source text, with the workflow's input. */
export interface StartRequest {
  readonly graph?: FlowGraph;
  readonly flow?: string;
  readonly input?: Json | undefined;
  readonly id?: string;
}

const node = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    parameters: z.record(z.string(), z.json()).optional(),
    guard: z.string().optional(),
    merge: z.boolean().optional(),
    literal: z.json().optional(),
    source: z.object({ line: z.number().int(), column: z.number().int() }).optional(),
  })
  .strict();

const graph = z
  .object({
    name: z.string().min(1),
    doc: z.string().optional(),
    parameters: z.record(z.string(), z.json()).optional(),
    nodes: z.array(node),
    edges: z.array(z.object({ from: z.string().min(1), to: z.string().min(1) }).strict()),
  })
  .strict();

const startRequest = z
  .object({
    graph: graph.optional(),
    flow: z.string().min(1).optional(),
    input: z.json().optional(),
    id: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Checks a start request's shape (the service checks the graph itself); a problem is a 400 naming the field. */
export function parseStartRequest(body: unknown): StartRequest {
  const parsed = startRequest.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'the body'}: ${issue.message}`);
    throw new WorkflowApiError(400, `cannot start the workflow: ${problems.join('; ')}`);
  }
  const request = parsed.data as StartRequest;
  if ((request.graph === undefined) === (request.flow === undefined)) {
    throw new WorkflowApiError(400, 'cannot start the workflow: give either "graph" (a flow graph as JSON) or "flow" (.flow source text), not both and not neither');
  }
  return request;
}
