import pLimit from 'p-limit';
import type { CongestionController } from './controller.js';

/** A fixed number of requests in flight. */
export function fixedConcurrency(concurrency: number): CongestionController {
  const limit = pLimit(concurrency);
  return { run: limit, feedback: () => {}, concurrency };
}
