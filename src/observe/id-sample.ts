/**
 * The invocation ids of every `stride`-th row of a phase, for the report's tooltips. The stride
 * doubles whenever more than `budget` ids are kept, so memory stays bounded however long the run;
 * a timeline that draws every 2^k-th row finds the id of each row it draws as long as it draws
 * no more than `budget` rows of the phase.
 */
export class IdSample {
  readonly #budget: number;
  #stride = 1;
  #rows = 0;
  /** `#ids[k]` is the id of row `k × stride`. */
  #ids: string[] = [];

  constructor(budget = 4096) {
    this.#budget = budget;
  }

  push(id: string): void {
    if (this.#rows++ % this.#stride !== 0) return;
    this.#ids.push(id);
    if (this.#ids.length > this.#budget) {
      this.#ids = this.#ids.filter((_, k) => k % 2 === 0);
      this.#stride *= 2;
    }
  }

  /** The id of row `row`, where it was kept. */
  at(row: number): string | undefined {
    return row % this.#stride === 0 ? this.#ids[row / this.#stride] : undefined;
  }
}
