import type { MultiBar, SingleBar } from 'cli-progress';
import { createRequire } from 'node:module';
import { now } from '../clock.js';
import type { EventBus, FalcoEvents } from '../events.js';
import type { Invocation } from '../invocation.js';
import { formatCount, formatMs, formatRate } from './format.js';

const require = createRequire(import.meta.url);

export interface ProgressOptions {
  /** `auto`: bars on a terminal, plain lines otherwise. `off` prints nothing. @default 'auto' */
  readonly mode?: 'auto' | 'bars' | 'lines' | 'off';
  /** Where progress goes; standard error, so standard output keeps the results. @default process.stderr */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** How often a plain line is printed per running phase, in milliseconds. @default 5000 */
  readonly intervalMs?: number;
}

/** The live counts of one phase. "In flight": started and not yet ended, backoff included. */
class PhaseCounts {
  done = 0;
  failed = 0;
  aborted = 0;
  retries = 0;
  readonly inFlight = new Set<Invocation>();
  readonly startedAt = now();
  ended = false;

  /** `total` is undefined for a phase fed from an iterable of unknown length. */
  constructor(
    readonly phase: string,
    readonly total: number | undefined,
  ) {}

  get rate(): number {
    const seconds = (now() - this.startedAt) / 1000;
    return seconds > 0 ? this.done / seconds : 0;
  }

  line(): string {
    const rate = this.rate;
    const { total } = this;
    const eta = rate > 0 && total !== undefined && this.done < total ? `, ETA ${formatMs(((total - this.done) / rate) * 1000)}` : '';
    const aborted = this.aborted > 0 ? `, ${formatCount(this.aborted)} aborted` : '';
    return (
      `[falco] ${this.phase}: ${formatCount(this.done)}${total === undefined ? '' : `/${formatCount(total)}`} done (${formatCount(this.failed)} failed${aborted}), ` +
      `${formatCount(this.retries)} retries, ${formatCount(this.inFlight.size)} in flight, ${formatRate(rate)}${eta}`
    );
  }
}

/**
 * Shows a run's progress from its events: a bar per phase (cli-progress) on a terminal, a plain
 * line per running phase every few seconds otherwise. Its timers never keep the process alive.
 */
export class Progress {
  readonly #mode: 'bars' | 'lines' | 'off';
  readonly #stream: NodeJS.WritableStream & { isTTY?: boolean };
  readonly #intervalMs: number;
  readonly #phases = new Map<string, PhaseCounts>();
  #view: View | undefined;

  constructor(options: ProgressOptions = {}) {
    this.#stream = options.stream ?? process.stderr;
    const mode = options.mode ?? 'auto';
    this.#mode = mode === 'auto' ? (this.#stream.isTTY ? 'bars' : 'lines') : mode;
    this.#intervalMs = options.intervalMs ?? 5000;
  }

  attach(events: EventBus<FalcoEvents>): () => void {
    if (this.#mode === 'off') return () => {};
    const counts = (phase: string): PhaseCounts | undefined => this.#phases.get(phase);
    const off = [
      events.on('run:start', ({ phases }) => {
        this.#stop();
        this.#phases.clear();
        this.#view = this.#newView(phases);
      }),
      events.on('phase:start', ({ phase, size }) => {
        const phaseCounts = new PhaseCounts(phase, size);
        this.#phases.set(phase, phaseCounts);
        this.#view ??= this.#newView([phase]);
        this.#view.start(phaseCounts);
      }),
      events.on('invocation:start', ({ invocation }) => {
        const c = counts(invocation.phase);
        if (!c) return;
        c.inFlight.add(invocation);
        this.#view?.update(c);
      }),
      events.on('invocation:retry', ({ invocation }) => {
        const c = counts(invocation.phase);
        if (!c) return;
        c.retries++;
        this.#view?.update(c);
      }),
      events.on('invocation:end', ({ invocation }) => {
        const c = counts(invocation.phase);
        if (!c) return;
        c.done++;
        if (invocation.status === 'failed') c.failed++;
        if (invocation.status === 'aborted') c.aborted++;
        c.inFlight.delete(invocation);
        this.#view?.update(c);
      }),
      events.on('phase:end', ({ result }) => {
        const c = counts(result.phase);
        if (!c) return;
        c.ended = true;
        this.#view?.end(c);
      }),
      events.on('run:end', () => this.#stop()),
    ];
    return () => {
      off.forEach((unsubscribe) => unsubscribe());
      this.#stop();
    };
  }

  #newView(phases: readonly string[]): View {
    return this.#mode === 'bars' ? new Bars(this.#stream, phases) : new Lines(this.#stream, this.#intervalMs, () => this.#running());
  }

  #running(): PhaseCounts[] {
    return [...this.#phases.values()].filter((c) => !c.ended);
  }

  #stop(): void {
    this.#view?.stop();
    this.#view = undefined;
  }
}

interface View {
  start(counts: PhaseCounts): void;
  update(counts: PhaseCounts): void;
  end(counts: PhaseCounts): void;
  stop(): void;
}

const BAR_FORMAT =
  '{phase} |{bar}| {value}/{total} | failed {failed} | retries {retries} | in flight {inflight} | {rate} | ETA {eta_formatted}';

class Bars implements View {
  readonly #multibar: MultiBar;
  readonly #bars = new Map<PhaseCounts, SingleBar>();
  readonly #width: number;

  constructor(stream: NodeJS.WritableStream, phases: readonly string[]) {
    this.#width = Math.max(0, ...phases.map((p) => p.length));
    // Bars are drawn only on a terminal, so their library is loaded only then: it is CommonJS, the module
    // `import` would give, and the literal specifier lets the import tracer package it.
    const { MultiBar, Presets } = require('cli-progress') as typeof import('cli-progress');
    this.#multibar = new MultiBar(
      { stream, format: BAR_FORMAT, hideCursor: false, clearOnComplete: false, autopadding: true, etaBuffer: 50 },
      Presets.shades_classic,
    );
    // cli-progress re-arms a plain timer after every redraw; unref each one so a finished run can exit.
    const unref = (): void => {
      (this.#multibar as unknown as { timer?: NodeJS.Timeout | null }).timer?.unref();
    };
    this.#multibar.on('start', unref);
    this.#multibar.on('update-post', unref);
  }

  start(counts: PhaseCounts): void {
    this.#bars.set(counts, this.#multibar.create(counts.total ?? 0, 0, this.#payload(counts)));
  }

  update(counts: PhaseCounts): void {
    const bar = this.#bars.get(counts);
    if (counts.total === undefined) bar?.setTotal(counts.done);
    bar?.update(counts.done, this.#payload(counts));
  }

  end(counts: PhaseCounts): void {
    this.update(counts);
    this.#bars.get(counts)?.stop();
  }

  stop(): void {
    this.#multibar.stop();
  }

  #payload(c: PhaseCounts): Record<string, string | number> {
    return { phase: c.phase.padEnd(this.#width), failed: c.failed, retries: c.retries, inflight: c.inFlight.size, rate: formatRate(c.rate) };
  }
}

class Lines implements View {
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    intervalMs: number,
    running: () => PhaseCounts[],
  ) {
    this.#timer = setInterval(() => running().forEach((c) => this.#print(c.line())), intervalMs).unref();
  }

  start(counts: PhaseCounts): void {
    const { total } = counts;
    this.#print(`[falco] ${counts.phase}: ${total === undefined ? 'invocations from an iterable' : `${formatCount(total)} invocation${total === 1 ? '' : 's'}`}`);
  }

  update(): void {}

  end(counts: PhaseCounts): void {
    this.#print(`${counts.line()}, in ${formatMs(now() - counts.startedAt)}`);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #print(line: string): void {
    this.stream.write(`${line}\n`);
  }
}
