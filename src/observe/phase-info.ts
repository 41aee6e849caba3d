import type { EventBus, FalcoEvents } from '../events.js';
import type { Deployment } from '../platform.js';

/** What a record alone does not say about the phase it belongs to: the run and the deployment. */
export interface PhaseInfo {
  readonly runId?: string;
  readonly phase: string;
  readonly platform?: string;
  readonly deployment?: string;
  readonly memoryMB?: number;
}

/**
 * Follows a run's events to know, when an invocation ends, which run and deployment its phase
 * belongs to. Every record consumer attaches one.
 */
export class PhaseTracker {
  #runId: string | undefined;
  readonly #phases = new Map<string, PhaseInfo>();

  attach(events: EventBus<FalcoEvents>): () => void {
    const detach = [
      events.on('run:start', ({ runId }) => {
        this.#runId = runId;
        this.#phases.clear();
      }),
      // At deploy too: records restored from a journal arrive before their phase starts.
      events.on('deploy', ({ phase, deployment }) => this.#deployed(phase, deployment)),
      events.on('phase:start', ({ phase, deployment }) => this.#deployed(phase, deployment)),
    ];
    return () => detach.forEach((off) => off());
  }

  #deployed(phase: string, deployment: Deployment): void {
    this.#phases.set(phase, {
      ...(this.#runId === undefined ? {} : { runId: this.#runId }),
      phase,
      platform: deployment.platform,
      deployment: deployment.name,
      memoryMB: deployment.memoryMB,
    });
  }

  get runId(): string | undefined {
    return this.#runId;
  }

  /** The phase's info; just its name (and the run) when its start was not seen. */
  info(phase: string): PhaseInfo {
    let info = this.#phases.get(phase);
    if (!info) {
      info = { ...(this.#runId === undefined ? {} : { runId: this.#runId }), phase };
      this.#phases.set(phase, info);
    }
    return info;
  }
}
