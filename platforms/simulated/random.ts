/**
 * Deterministic randomness keyed by (seed, invocation, attempt): an invocation's fate does not
 * depend on the order calls happen to arrive in, so a seeded run repeats under any executor.
 * The key is hashed (FNV-1a over its UTF-16 code units) as it is read, never built as a string.
 */
const FNV_OFFSET = 0x811c9dc5;

function mix(h: number, code: number): number {
  return Math.imul(h ^ code, 0x01000193) >>> 0;
}

function mixString(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = mix(h, text.charCodeAt(i));
  return h;
}

function mixDigits(h: number, n: number): number {
  if (n >= 10) h = mixDigits(h, Math.floor(n / 10));
  return mix(h, 48 + (n % 10));
}

/** The key of one invocation: every attempt of it shares its nature (a function that always fails). */
export function invocationKey(seed: number, invocationId: string): number {
  return mixString((FNV_OFFSET ^ seed) >>> 0, invocationId);
}

/** The key of one attempt, the hash of `sim-<invocationId>-<attempt>` (with `s` for a speculative copy): the activation id. */
export function attemptKey(seed: number, invocationId: string, attempt: number, speculative: boolean): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  h = mixDigits(mix(mixString(mixString(h, 'sim-'), invocationId), 45), attempt);
  return speculative ? mix(h, 115) : h;
}

/** mulberry32, one stream at a time: `reset` to a key, then `next` draws. One instance serves every call, so a call allocates nothing. */
export class KeyedRandom {
  #state = 0;

  reset(key: number): this {
    this.#state = key >>> 0;
    return this;
  }

  readonly next = (): number => {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller) from two uniform draws. */
export function standardNormal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
