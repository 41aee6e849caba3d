/**
 * A set of directed edges between numbered vertices (0 ≤ n < size), each kept once, that can drop a
 * vertex and join its predecessors to its successors. Edges are numbers (`from * size + to`), so that a
 * graph of a million edges costs one Set, and sorts by `from`, then `to`, as a list of numbers.
 */
export class EdgeSet {
  private readonly keys = new Set<number>();
  private outs: number[][] | undefined;
  private ins: number[][] | undefined;

  constructor(private readonly size: number) {}

  add(from: number, to: number): void {
    const key = from * this.size + to;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    if (this.outs && this.ins) {
      (this.outs[from] ??= []).push(to);
      (this.ins[to] ??= []).push(from);
    }
  }

  /** Removes `vertex`'s edges, joining each of its predecessors to each of its successors. */
  bypass(vertex: number): void {
    const { outs, ins } = this.adjacency();
    const predecessors = (ins[vertex] ?? []).filter((from) => from !== vertex && this.keys.delete(from * this.size + vertex));
    const successors = (outs[vertex] ?? []).filter((to) => to !== vertex && this.keys.delete(vertex * this.size + to));
    this.keys.delete(vertex * this.size + vertex);
    for (const from of predecessors) for (const to of successors) this.add(from, to);
  }

  /** Every edge as `[from, to]`, by `from`, then `to`. */
  sorted(): [number, number][] {
    return Array.from(this.keys)
      .sort((a, b) => a - b)
      .map((key) => [Math.floor(key / this.size), key % this.size]);
  }

  /** Who points where, built when first needed (only flows with subflows to join past need it). */
  private adjacency(): { outs: number[][]; ins: number[][] } {
    if (!this.outs || !this.ins) {
      const outs: number[][] = [];
      const ins: number[][] = [];
      for (const key of this.keys) {
        const from = Math.floor(key / this.size);
        const to = key % this.size;
        (outs[from] ??= []).push(to);
        (ins[to] ??= []).push(from);
      }
      this.outs = outs;
      this.ins = ins;
    }
    return { outs: this.outs, ins: this.ins };
  }
}
