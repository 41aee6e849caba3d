type Numbers = Float64Array | Uint8Array;

/**
 * A column of numbers that grows as rows arrive: one typed array, no object per row, so a
 * million invocations cost megabytes, not a heap of records.
 */
export class Column<A extends Numbers> {
  #data: A;
  #length = 0;

  constructor(private readonly make: (capacity: number) => A) {
    this.#data = make(1024);
  }

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const grown = this.make(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = value;
  }

  at(index: number): number {
    return this.#data[index] ?? NaN;
  }

  /** The values pushed so far; shares memory with the column, so copy before sorting. */
  view(): A {
    return this.#data.subarray(0, this.#length) as A;
  }
}

export const float64Column = (): Column<Float64Array> => new Column((n) => new Float64Array(n));
export const uint8Column = (): Column<Uint8Array> => new Column((n) => new Uint8Array(n));

/** The columns of several parts, one after the other, in a new array (safe to sort). */
export function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
