import { pipeline } from '../../../flows/index.js';
import { deployable } from '../../../src/index.js';

export const TRACE_KEYS = { keys: { k1: 'trace-test-secret-0123456789' }, signWith: 'k1' };

const inc = deployable<{ n: number }, { n: number }>({ runtime: 'nodejs:20', name: 'inc', code: { source: 'function main({ n }) { return { n: n + 1 }; }' } });

/** Three phases, each one async apply. */
export function tracedPipeline() {
  return pipeline<{ n: number }>('traced').apply(inc).apply(inc).apply(inc);
}
