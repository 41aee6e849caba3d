import { ConfigError, messageOf } from '../../src/errors.js';
import type { MapOptions } from './inputs.js';
import type { Future } from './types.js';

/** What a reducer is called with: the outputs of its maps, in input order, and its key under `reduceBy`. */
export interface ReduceInput<O> {
  readonly results: O[];
  readonly key?: string;
}

export interface MapReduceOptions<I> extends MapOptions {
  /** One reducer per key (Lithops' `obj_reduce_by_key`, per file: `(chunk) => chunk.path`); one for all maps by default. */
  readonly reduceBy?: (input: I, index: number) => string;
}

export interface MapReduceFutures<O, R> {
  /** One per map call. Their outputs are the reducers' inputs, never a reducer's result. */
  readonly maps: Future<O>[];
  /** One per key (or one), in the order each key first appears among the inputs. */
  readonly reducers: Future<R>[];
  /** The reducers by key, under `reduceBy`. */
  readonly byKey: ReadonlyMap<string, Future<R>>;
}

export interface ReduceGroup {
  readonly key: string | undefined;
  /** The maps (by input index) whose outputs this reducer takes. */
  readonly indexes: readonly number[];
}

/** Which maps each reducer takes: every one, or those whose input `reduceBy` gives the same key. */
export function reduceGroups<I>(items: readonly unknown[], reduceBy: ((input: I, index: number) => string) | undefined): ReduceGroup[] {
  if (reduceBy === undefined) return [{ key: undefined, indexes: items.map((_, i) => i) }];
  if (typeof reduceBy !== 'function') throw new ConfigError('mapReduce: reduceBy must be a function from an input to its key, such as (chunk) => chunk.path');
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    if (typeof (item as { settled?: unknown } | null)?.settled === 'function') {
      throw new ConfigError('mapReduce: reduceBy reads the inputs, so they must be values, not futures; get their results first');
    }
    let key: unknown;
    try {
      key = reduceBy(item as I, index);
    } catch (error) {
      throw new ConfigError(`mapReduce: reduceBy threw on input #${index}: ${messageOf(error)}`, { cause: error });
    }
    if (typeof key !== 'string') throw new ConfigError(`mapReduce: reduceBy must return a string key, got ${typeof key} for input #${index}`);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(index);
  });
  return [...groups].map(([key, indexes]) => ({ key, indexes }));
}
