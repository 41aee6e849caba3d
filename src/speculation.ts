import { z } from 'zod';
import { now } from './clock.js';
import type { Expect, MatchesSchema } from './schema-check.js';

export const speculationSchema = z
  .object({
    /** An attempt running longer than this multiple of the phase's median is launched again. */
    multiple: z.number().min(1, 'must be at least 1').default(3),
    /** Attempts that must have finished before the median is trusted. */
    minSamples: z.number().int().positive().default(20),
    /** Never speculate on an attempt younger than this, whatever the median. */
    floorMs: z.number().min(0).default(200),
    /** The most speculative copies, as a share of the attempts started. */
    maxShare: z.number().min(0).max(1, 'must be a share between 0 and 1').default(0.1),
  })
  .strict();

/** Straggler mitigation: when an attempt runs far longer than the phase's median, a copy is launched and the first answer wins. */
export interface SpeculationOptions {
  /** An attempt running longer than this multiple of the phase's median duration is launched again; at least 1. @default 3 */
  readonly multiple?: number | undefined;
  /** Attempts that must have finished before the median is trusted. @default 20 */
  readonly minSamples?: number | undefined;
  /** Never speculate on an attempt younger than this, in milliseconds, whatever the median. @default 200 */
  readonly floorMs?: number | undefined;
  /** The most speculative copies, as a share (0 to 1) of the attempts started. @default 0.1 */
  readonly maxShare?: number | undefined;
}

type _Check = Expect<MatchesSchema<SpeculationOptions, typeof speculationSchema>>;
export type SpeculationSettings = z.output<typeof speculationSchema>;

/** An attempt under watch: `copy` launches its speculative twin. */
export interface Watched {
  /** When the attempt went out. */
  since: number;
  readonly copy: () => void;
}

const SAMPLES = 1024;

/**
 * Straggler mitigation: keeps the phase's running median of attempt durations (over the last
 * 1,024) and, on a sweep, launches a copy of every attempt that has run too long.
 */
export class Speculator {
  readonly #settings: SpeculationSettings;
  readonly #durations = new Float64Array(SAMPLES);
  readonly #watched = new Set<Watched>();
  #samples = 0;
  #started = 0;
  #launched = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(settings: SpeculationSettings) {
    this.#settings = settings;
  }

  /** A finished attempt's duration. */
  observe(durationMs: number): void {
    this.#durations[this.#samples++ % SAMPLES] = durationMs;
  }

  watch(entry: Watched): void {
    this.#started++;
    this.#watched.add(entry);
    this.#timer ??= setInterval(() => this.#sweep(), Math.max(5, Math.min(50, this.#settings.floorMs / 4))).unref();
  }

  unwatch(entry: Watched): void {
    this.#watched.delete(entry);
    if (this.#watched.size === 0) this.dispose();
  }

  dispose(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sweep(): void {
    const { minSamples, multiple, floorMs, maxShare } = this.#settings;
    if (this.#samples < minSamples) return;
    const threshold = Math.max(floorMs, multiple * this.#median());
    const at = now();
    for (const entry of this.#watched) {
      if (this.#launched >= maxShare * this.#started) return;
      if (at - entry.since <= threshold) continue;
      this.#watched.delete(entry);
      this.#launched++;
      entry.copy();
    }
  }

  #median(): number {
    const sorted = this.#durations.slice(0, Math.min(this.#samples, SAMPLES)).sort();
    return sorted[sorted.length >> 1]!;
  }
}
