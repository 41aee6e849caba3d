import type { EventFilter } from '../../stores/ports/workspace.js';

interface Bucket<T> {
  /** Filters that give no subject. */
  readonly any: T[];
  readonly bySubject: Map<string, T[]>;
  /** For prefix buckets: how many subject prefixes of each length there are. */
  readonly subjectLengths: Map<number, number>;
}

const NONE: readonly never[] = [];

/**
 * Finds the triggers an event activates without looking at the others: exact filters by one map
 * lookup of the type (and one of the subject); prefix filters by one lookup per distinct prefix
 * length in use. Ten thousand triggers on distinct subjects cost an event two lookups, not ten
 * thousand comparisons.
 */
export class TriggerIndex<T extends { readonly order: number }> {
  readonly #exact = new Map<string, Bucket<T>>();
  readonly #prefix = new Map<string, Bucket<T>>();
  readonly #typeLengths = new Map<number, number>();

  add(filter: EventFilter, item: T): void {
    const prefix = filter.match === 'prefix';
    const buckets = prefix ? this.#prefix : this.#exact;
    let bucket = buckets.get(filter.type);
    if (!bucket) {
      bucket = { any: [], bySubject: new Map(), subjectLengths: new Map() };
      buckets.set(filter.type, bucket);
      if (prefix) bump(this.#typeLengths, filter.type.length, 1);
    }
    if (filter.subject === undefined) {
      bucket.any.push(item);
      return;
    }
    const list = bucket.bySubject.get(filter.subject);
    if (list) {
      list.push(item);
      return;
    }
    bucket.bySubject.set(filter.subject, [item]);
    if (prefix) bump(bucket.subjectLengths, filter.subject.length, 1);
  }

  remove(filter: EventFilter, item: T): void {
    const prefix = filter.match === 'prefix';
    const buckets = prefix ? this.#prefix : this.#exact;
    const bucket = buckets.get(filter.type);
    if (!bucket) return;
    if (filter.subject === undefined) {
      drop(bucket.any, item);
    } else {
      const list = bucket.bySubject.get(filter.subject);
      if (list && drop(list, item) && list.length === 0) {
        bucket.bySubject.delete(filter.subject);
        if (prefix) bump(bucket.subjectLengths, filter.subject.length, -1);
      }
    }
    if (bucket.any.length === 0 && bucket.bySubject.size === 0) {
      buckets.delete(filter.type);
      if (prefix) bump(this.#typeLengths, filter.type.length, -1);
    }
  }

  /** The items whose filters match, each once, in the order they were added. Do not change the array. */
  match(type: string, subject: string | undefined): readonly T[] {
    const found: (readonly T[])[] = [];
    const exact = this.#exact.get(type);
    if (exact) collect(exact, subject, false, found);
    for (const length of this.#typeLengths.keys()) {
      if (length > type.length) continue;
      const bucket = this.#prefix.get(length === type.length ? type : type.slice(0, length));
      if (bucket) collect(bucket, subject, true, found);
    }
    if (found.length === 0) return NONE;
    if (found.length === 1) return found[0]!;
    return [...new Set(found.flat())].sort((a, b) => a.order - b.order);
  }
}

function collect<T>(bucket: Bucket<T>, subject: string | undefined, prefix: boolean, found: (readonly T[])[]): void {
  if (bucket.any.length > 0) found.push(bucket.any);
  if (subject === undefined || bucket.bySubject.size === 0) return;
  if (!prefix) {
    const list = bucket.bySubject.get(subject);
    if (list) found.push(list);
    return;
  }
  for (const length of bucket.subjectLengths.keys()) {
    if (length > subject.length) continue;
    const list = bucket.bySubject.get(length === subject.length ? subject : subject.slice(0, length));
    if (list) found.push(list);
  }
}

function drop<T>(list: T[], item: T): boolean {
  const at = list.indexOf(item);
  if (at < 0) return false;
  list.splice(at, 1);
  return true;
}

function bump(counts: Map<number, number>, key: number, by: number): void {
  const count = (counts.get(key) ?? 0) + by;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}
