import { ConfigError } from '../../src/errors.js';
import { partition, type Chunk, type DataSource, type PartitionOptions } from './partitioner.js';
import type { Future } from './types.js';

/** Files to split into chunks of whole lines, one call per chunk (the function takes a `Chunk`). */
export interface Files {
  readonly files: DataSource;
}

/** A map's inputs: values, futures whose outputs are the inputs, or (for a function of `Chunk`) files to partition. */
export type MapInputs<I> = readonly (I | Future<I>)[] | (Chunk extends I ? Files : never);

/** `chunkSize` and `chunkCount` split `{ files }` (see `partition`); items given as a list are one call each. */
export type MapOptions = PartitionOptions;

/** The items of a map, one per call: the list as given, or the chunks of `{ files }`. Checks them before anything runs. */
export function inputsOf<I>(owner: string, inputs: MapInputs<I>, options: MapOptions): readonly unknown[] {
  if (options === null || typeof options !== 'object') throw new ConfigError(`${owner}: options must be an object`);
  if (Array.isArray(inputs)) {
    if (options.chunkSize !== undefined || options.chunkCount !== undefined) {
      throw new ConfigError(`${owner}: chunkSize and chunkCount split files ({ files: [...] }); each item of a list is one call already`);
    }
    if (inputs.length === 0) throw new ConfigError(`${owner}: no inputs; give at least one, one call runs per input`);
    return inputs;
  }
  if (inputs === null || typeof inputs !== 'object' || !('files' in inputs)) {
    throw new ConfigError(`${owner}: inputs must be a list (one call per item) or { files } (one call per chunk of lines)`);
  }
  const chunks = partition(inputs.files, options);
  if (chunks.length === 0) throw new ConfigError(`${owner}: the files hold no data; there is nothing to map`);
  return chunks;
}
