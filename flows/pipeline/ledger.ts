import { isDeepStrictEqual } from 'node:util';
import type { StateManager } from '../../stores/ports/state.js';
import type { PipelineRequest } from './request.js';
import type { Json } from './steps.js';

export type RequestState = 'running' | 'paused' | 'stopped' | 'succeeded' | 'failed';

export interface PhaseTiming {
  readonly phase: number;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/** A request's status, kept in the state store under the request's id; every change is one compare-and-set. */
export interface RequestStatus {
  readonly pipeline: string;
  readonly requestId: string;
  readonly state: RequestState;
  readonly phases: number;
  /** Phases completed: the phase running (or next to run) while the request has not ended. */
  readonly phase: number;
  /** The step the request is at: the first of its phase, or the number of steps once it ended. */
  readonly position: number;
  readonly submittedAt: number;
  readonly endedAt?: number;
  readonly timings: readonly PhaseTiming[];
  /** The request the next phase runs from; kept while paused, so `resume` can forward it. */
  readonly next?: PipelineRequest | undefined;
  /** Whether `next` was handed to the forwarder (false while paused, or if a forward failed half-way). */
  readonly forwarded: boolean;
  readonly output?: Json;
  readonly error?: { readonly name: string; readonly message: string };
  /** `claimed` once a process took on running `finally`, `done` after it ran, or why it failed. */
  readonly finally?: 'claimed' | 'done' | { readonly failed: string };
  /** While `finally` is claimed: the query and embedded state it is handed, so a process taking over a claim whose holder died hands the same. */
  readonly carried?: { readonly query: Readonly<Record<string, string>>; readonly state: Readonly<Record<string, Json>> } | undefined;
  /** How many processes took on `finally`: more than 1 when one died while it ran and another took over. */
  readonly finallyClaims?: number;
}

export const FINAL_STATES: ReadonlySet<RequestState> = new Set(['stopped', 'succeeded', 'failed']);

const KEY = 'falco.pipeline';

/** Every status change is a compare-and-set on the whole record, so workers in several processes never lose one another's changes. */
export class RequestLedger {
  constructor(readonly state: StateManager) {}

  async get(requestId: string): Promise<RequestStatus | undefined> {
    return (await this.state.get(requestId, KEY)) as RequestStatus | undefined;
  }

  /** Creates the record; false if the request id is taken. */
  async create(status: RequestStatus): Promise<boolean> {
    await this.state.init(status.requestId);
    return this.state.compareAndSet(status.requestId, KEY, undefined, plain(status));
  }

  /**
   * Applies `change` to the current record until the compare-and-set holds. `change` returns the new
   * record, or undefined to leave it as it is; the result is the record written (or found) and whether it was written.
   */
  async update(requestId: string, change: (current: RequestStatus) => RequestStatus | undefined): Promise<{ status: RequestStatus | undefined; changed: boolean }> {
    for (;;) {
      const current = await this.get(requestId);
      if (!current) return { status: undefined, changed: false };
      const changed = change(current);
      const next = changed && (plain(changed) as unknown as RequestStatus);
      if (!next || isDeepStrictEqual(next, current)) return { status: current, changed: false };
      if (await this.state.compareAndSet(requestId, KEY, current as unknown as Json, next as unknown as Json)) return { status: next, changed: true };
    }
  }
}

/** The record as every store keeps it: JSON, with absent members left out rather than undefined. */
function plain(status: RequestStatus): Json {
  return JSON.parse(JSON.stringify(status)) as Json;
}
