import { EmbeddedWorkflows, taskKind, type FlowGraph, type Json } from '../../flows/index.js';

/**
 * Gates a test opens by name: a `gate` task ({ "gate": name }) runs until its gate opens, so a test
 * sees it running, and pauses or terminates its workflow meanwhile. Tasks waiting when the worker
 * stops end with the stop.
 */
export class Gates {
  readonly #opened = new Set<string>();
  readonly #waiting = new Map<string, (() => void)[]>();

  open(name: string): void {
    this.#opened.add(name);
    for (const release of this.#waiting.get(name) ?? []) release();
    this.#waiting.delete(name);
  }

  wait(name: string, signal: AbortSignal): Promise<void> {
    if (this.#opened.has(name)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiting.set(name, [...(this.#waiting.get(name) ?? []), resolve]);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

/**
 * The embedded workflow service with task kinds `gate` and `gate-2` (above; two kinds from when a
 * worker ended a batch of one kind's tasks together: each task now ends on its own, and one kind
 * would do) and `fail`, which throws its `message`.
 */
export async function openWorkflows(gates = new Gates()): Promise<EmbeddedWorkflows> {
  const gate = taskKind<Json, Json>({
    run: async (input, { parameters, signal }) => {
      await gates.wait(String(parameters.gate), signal);
      return input;
    },
  });
  return EmbeddedWorkflows.start({
    watchPollMs: 20,
    kinds: {
      gate,
      'gate-2': gate,
      fail: taskKind<Json, Json>({
        run: (_input, { parameters }) => {
          throw new Error(String(parameters.message ?? 'failed'));
        },
      }),
    },
  });
}

/** `$start → nodes[0] → nodes[1] → ... → $end`. */
export function line(name: string, nodes: FlowGraph['nodes']): FlowGraph {
  const ids = ['$start', ...nodes.map((node) => node.id), '$end'];
  return { name, nodes, edges: ids.slice(1).map((to, i) => ({ from: ids[i]!, to })) };
}
