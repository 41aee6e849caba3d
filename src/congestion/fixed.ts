import type { CongestionController } from './controller.js';
import { SlotWindow } from './slot-window.js';

/** A fixed number of requests in flight. */
export function fixedConcurrency(concurrency: number): CongestionController {
  const slots = new SlotWindow(concurrency);
  return { run: slots.run, slots, feedback: () => {}, concurrency };
}
