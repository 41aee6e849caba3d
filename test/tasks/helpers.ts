import { setTimeout as sleep } from 'node:timers/promises';
import type { FlowGraph, WorkflowDetail, WorkflowService, WorkflowState } from '../../flows/tasks/index.js';

/** Polls until the workflow is in one of `states`; fails (naming what it saw) after `ms`, so a test never hangs. */
export async function settled(service: Pick<WorkflowService, 'inspect'>, id: string, states: readonly WorkflowState[] = ['finished', 'failed', 'terminated'], ms = 60_000): Promise<WorkflowDetail> {
  const deadline = Date.now() + ms;
  for (;;) {
    const detail = await service.inspect(id);
    if (detail && states.includes(detail.state)) return detail;
    if (Date.now() > deadline) throw new Error(`workflow ${id} is still ${detail?.state ?? 'missing'} after ${ms} ms: ${JSON.stringify(detail?.tasks.map((t) => [t.node, t.state]))}`);
    await sleep(20);
  }
}

/** Polls until `check` holds; fails with `what` after `ms`. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${ms} ms`);
    await sleep(20);
  }
}

/** A → (B, C) → D(merge) → end: a fan-out and a merging join. */
export function diamond(kind = 'add'): FlowGraph {
  return {
    name: 'diamond',
    nodes: [
      { id: 'A', name: kind, parameters: { add: 1 } },
      { id: 'B', name: kind, parameters: { add: 10, as: 'b' } },
      { id: 'C', name: kind, parameters: { add: 100, as: 'c' } },
      { id: 'D', name: 'collect', merge: true },
    ],
    edges: [
      { from: '$start', to: 'A' },
      { from: 'A', to: 'B' },
      { from: 'A', to: 'C' },
      { from: 'B', to: 'D' },
      { from: 'C', to: 'D' },
      { from: 'D', to: '$end' },
    ],
  };
}

/** A chain of `n` tasks of one kind: T1 → T2 → ... → Tn. */
export function chain(n: number, kind: string, name = 'chain'): FlowGraph {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `T${i + 1}`, name: kind }));
  const edges = [{ from: '$start', to: 'T1' }, ...nodes.slice(1).map((node, i) => ({ from: `T${i + 1}`, to: node.id })), { from: `T${n}`, to: '$end' }];
  return { name, nodes, edges };
}

/** 20 tasks in 4 layers of 5; each task after two of the layer before (a join of two). */
export function layered(kind = 'work', layers = 4, width = 5): FlowGraph {
  const id = (layer: number, i: number) => `L${layer}.${i}`;
  const nodes = [];
  const edges = [];
  for (let layer = 1; layer <= layers; layer++) {
    for (let i = 0; i < width; i++) {
      nodes.push({ id: id(layer, i), name: kind });
      if (layer === 1) edges.push({ from: '$start', to: id(layer, i) });
      else edges.push({ from: id(layer - 1, i), to: id(layer, i) }, { from: id(layer - 1, (i + 1) % width), to: id(layer, i) });
      if (layer === layers) edges.push({ from: id(layer, i), to: '$end' });
    }
  }
  return { name: 'layered', nodes, edges };
}
