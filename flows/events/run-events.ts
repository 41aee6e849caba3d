import type { Driver } from '../../src/driver.js';
import type { FalcoEvents } from '../../src/events.js';
import type { Invocation } from '../../src/invocation.js';
import type { PhaseResult } from '../../src/phase-result.js';
import { makeEvent, type FalcoEvent } from '../../stores/ports/event.js';
import type { EventSink } from '../../stores/ports/event-stream.js';

export const PHASE_ENDED = 'falco.phase.ended';
export const RUN_ENDED = 'falco.run.ended';

export interface RunEventOptions {
  /** The events' `source`. @default "/falco/runs" */
  readonly source?: string;
  /** The run id when the driver is executed without `run()` (which names its run). @default "run" */
  readonly runId?: string;
  /** The most events one `publish` carries. @default 500 */
  readonly maxBatch?: number;
}

/** A sink attached to a driver. */
export interface AttachedSink {
  /** Resolves once every event so far is published; rejects with the first publish that failed. */
  flush(): Promise<void>;
  /** Stops listening, then flushes. */
  detach(): Promise<void>;
}

/**
 * Publishes a driver's run as CloudEvents to `sink`, as it goes: `falco.invocation.succeeded|failed`
 * per invocation (subject `<run>/<phase>/<invocation>`, id `<run>/<phase>/<invocation>/<attempts>`,
 * so the same fact published again has the same id), `falco.phase.ended` (subject `<run>/<phase>`)
 * and `falco.run.ended` (subject `<run>`). Events of one tick go in one `publish`; one publish is in
 * flight at a time and what arrives meanwhile waits for the next.
 */
export function attachEventSink(driver: Driver<any>, sink: EventSink, options: RunEventOptions = {}): AttachedSink {
  const source = options.source ?? '/falco/runs';
  const maxBatch = options.maxBatch ?? 500;
  let run = options.runId ?? 'run';
  const publisher = new BatchPublisher(sink, maxBatch);
  const event = (id: string, type: string, subject: string, data: unknown) => publisher.push(makeEvent({ id, source, type, subject, data }));
  const listeners: (() => void)[] = [
    driver.events.on('run:start', ({ runId }) => {
      run = runId;
    }),
    driver.events.on('invocation:end', ({ invocation }) => {
      const subject = `${run}/${invocation.phase}/${invocation.id}`;
      event(`${subject}/${invocation.attempts.length}`, invocationType(invocation), subject, invocationData(run, invocation));
    }),
    driver.events.on('phase:end', ({ result }) => {
      const subject = `${run}/${result.phase}`;
      event(`${subject}/ended`, PHASE_ENDED, subject, phaseData(run, result));
    }),
    driver.events.on('run:end', ({ runId, result, error }) => {
      event(`${runId}/ended`, RUN_ENDED, runId, runData(runId, result, error));
    }),
  ];
  return {
    flush: () => publisher.flush(),
    detach: () => {
      for (const off of listeners) off();
      return publisher.flush();
    },
  };
}

function invocationType(invocation: Invocation): string {
  return invocation.status === 'succeeded' ? 'falco.invocation.succeeded' : 'falco.invocation.failed';
}

function invocationData(run: string, invocation: Invocation) {
  return {
    run,
    phase: invocation.phase,
    invocation: invocation.id,
    status: invocation.status,
    attempts: invocation.attempts.length,
    ...(invocation.status === 'succeeded' ? { output: invocation.output ?? null } : { error: invocation.error ?? null }),
  };
}

function phaseData(run: string, result: PhaseResult) {
  return { run, phase: result.phase, counts: result.counts, ...(result.fatal ? { fatal: result.fatal } : {}) };
}

function runData(run: string, result: FalcoEvents['run:end']['result'], error: unknown) {
  if (result) return { run, status: 'succeeded', phases: result.phases.map((phase) => ({ phase: phase.phase, counts: phase.counts })) };
  return { run, status: 'failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/** Collects events and publishes what a tick gathered in one call, one call at a time. */
class BatchPublisher {
  readonly #sink: EventSink;
  readonly #maxBatch: number;
  #buffer: FalcoEvent[] = [];
  #draining: Promise<void> | undefined;
  #failure: unknown;

  constructor(sink: EventSink, maxBatch: number) {
    this.#sink = sink;
    this.#maxBatch = maxBatch;
  }

  push(event: FalcoEvent): void {
    this.#buffer.push(event);
    this.#draining ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#drain());
  }

  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#buffer.length > 0) {
        const batch = this.#buffer.splice(0, this.#maxBatch);
        try {
          await this.#sink.publish(batch);
        } catch (error) {
          this.#failure ??= error;
          process.emitWarning(`falco: publishing ${batch.length} run events failed: ${String(error)}`);
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }
}
