import { ConfigError } from './errors.js';

/** Whether `value` is a whole number above 0, small enough to be exact. */
export function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** `value` itself, or a ConfigError naming `what` and the unit it counts (`milliseconds`, `bytes`). */
export function positiveInteger(value: number, what: string, unit?: string): number {
  if (isPositiveInteger(value)) return value;
  throw new ConfigError(`${what} must be a whole number${unit ? ` of ${unit}` : ''} above 0, not ${String(value)}`);
}
