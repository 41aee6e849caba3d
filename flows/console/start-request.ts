import { z } from 'zod';
import type { Json } from '../../stores/ports/workspace.js';
import type { FlowGraph } from '../tasks/graph.js';
import { WorkflowApiError } from './errors.js';

/**
 * What `POST /api/workflows` takes, with the workflow's input: a graph as JSON, `.flow` source
 * text, a state-machine definition (ASL as JSON), or the name of a workflow as code the server was given.
 */
export interface StartRequest {
  readonly graph?: FlowGraph;
  readonly flow?: string;
  readonly stateMachine?: Json;
  readonly workflow?: string;
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
    stateMachine: z.record(z.string(), z.json()).optional(),
    workflow: z.string().min(1).optional(),
    input: z.json().optional(),
    id: z.string().min(1).max(200).optional(),
  })
  .strict();

const DEFINITIONS = ['graph', 'flow', 'stateMachine', 'workflow'] as const;

/** Checks a start request's shape (the service checks the graph itself); a problem is a 400 naming the field. */
export function parseStartRequest(body: unknown): StartRequest {
  const parsed = startRequest.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'the body'}: ${issue.message}`);
    throw new WorkflowApiError(400, `cannot start the workflow: ${problems.join('; ')}`);
  }
  const request = parsed.data as StartRequest;
  const given = DEFINITIONS.filter((field) => request[field] !== undefined);
  if (given.length !== 1) {
    throw new WorkflowApiError(400, `cannot start the workflow: give one of "graph" (a flow graph as JSON), "flow" (.flow source text), "stateMachine" (an ASL definition as JSON) or "workflow" (the name of a workflow as code), not ${given.length === 0 ? 'none' : given.map((field) => `"${field}"`).join(' and ')}`);
  }
  return request;
}
