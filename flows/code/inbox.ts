import type { ErrorInfo } from '../../src/invocation.js';
import type { FalcoEvent } from '../../stores/ports/event.js';
import type { EventConsumer } from '../../stores/ports/event-stream.js';
import type { Json, WorkspaceStore } from '../../stores/ports/workspace.js';
import { INVOCATION_FAILED, INVOCATION_SUCCEEDED } from '../triggers/commands.js';
import { CANCEL, CHILD_FAILED, CHILD_SUCCEEDED, EVENT_MATCHED, parseSlotSubject, TIMER_FIRED, WAKE } from './events.js';
import type { ResultRecord } from './records.js';
import type { RunState } from './run-state.js';

/** The consumer group through which a run's coordinator reads its workspace's events. */
export const INBOX_GROUP = 'falco-workflow';

/** What a read of the inbox saw besides results. */
export interface InboxSignals {
  wake: boolean;
  cancel: boolean;
}

/** How long the coordinator waits for its own triggers-changed event before it gives up. */
const MARKER_WAIT_MS = 60_000;

/**
 * A run's inbox: its workspace's event stream, read through a group of its own. What ends a slot
 * (an invocation's result, a timer, a matched event, a child's end) is logged, once per slot, and
 * only then acknowledged, so a crash in between re-reads it and logs nothing twice.
 */
export class Inbox {
  readonly #state: RunState;
  readonly #consumer: EventConsumer;

  private constructor(state: RunState, consumer: EventConsumer) {
    this.#state = state;
    this.#consumer = consumer;
  }

  static async open(store: WorkspaceStore, state: RunState, consumer = 'coordinator'): Promise<Inbox> {
    // Entries this consumer held when its process died are read again first; many restarts must not dead-letter them.
    return new Inbox(state, await store.events(state.run).consumer(INBOX_GROUP, consumer, { start: '0', maxDeliveries: 1_000 }));
  }

  /** Reads one batch (waiting up to `blockMs` for one), logs its results, acknowledges it. */
  async read(blockMs: number, signals: InboxSignals = { wake: false, cancel: false }, until?: string): Promise<{ signals: InboxSignals; count: number; sawUntil: boolean }> {
    const deliveries = await this.#consumer.read({ max: 1_000, blockMs });
    const results: ResultRecord[] = [];
    let sawUntil = false;
    for (const { event } of deliveries) {
      if (event.id === until) sawUntil = true;
      if (event.type === WAKE) signals.wake = true;
      else if (event.type === CANCEL) signals.cancel = true;
      else {
        const result = resultOf(this.#state.run, event);
        if (result) results.push(result);
      }
    }
    await this.#state.ingest(results);
    if (deliveries.length > 0) await this.#consumer.ack(deliveries.map((delivery) => delivery.entryId));
    return { signals, count: deliveries.length, sawUntil };
  }

  /** Reads everything there is now. */
  async drain(signals: InboxSignals = { wake: false, cancel: false }): Promise<InboxSignals> {
    while ((await this.read(0, signals)).count > 0);
    return signals;
  }

  /** Reads until the event with this id has been read (the coordinator's own triggers-changed event). */
  async drainUntil(id: string, signals: InboxSignals): Promise<InboxSignals> {
    const deadline = Date.now() + MARKER_WAIT_MS;
    while (!(await this.read(100, signals, id)).sawUntil) {
      if (Date.now() > deadline) throw new Error(`run ${this.#state.run}: the event ${id} this coordinator published never came back through its inbox`);
    }
    return signals;
  }

  close(): Promise<void> {
    return this.#consumer.close();
  }
}

/** The result an event carries for one of this run's slots, or undefined when it carries none. */
function resultOf(run: string, event: FalcoEvent): ResultRecord | undefined {
  const named = parseSlotSubject(run, event.subject);
  if (!named) return undefined;
  const { slot, epoch } = named;
  const data = (event.data ?? {}) as { output?: Json; error?: ErrorInfo };
  switch (event.type) {
    case INVOCATION_SUCCEEDED:
    case CHILD_SUCCEEDED:
      return { kind: 'result', slot, epoch, ok: true, output: data.output ?? null };
    case INVOCATION_FAILED:
    case CHILD_FAILED:
      return { kind: 'result', slot, epoch, ok: false, error: data.error ?? { class: 'fatal', name: 'Error', message: 'the call failed and reported no error' } };
    case TIMER_FIRED:
      return { kind: 'result', slot, epoch, ok: true, output: null };
    case EVENT_MATCHED:
      return { kind: 'result', slot, epoch, ok: true, output: (event.data ?? null) as Json };
    default:
      return undefined;
  }
}
