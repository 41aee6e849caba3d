import { InvalidArgumentError } from 'commander';
import { isPositiveInteger } from '../src/whole-number.js';

/** A flag's value as a whole number, 1 or more. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!isPositiveInteger(n)) throw new InvalidArgumentError('must be a whole number, 1 or more');
  return n;
}

/** A flag's value as a TCP port, 0 (any free one) to 65535. */
export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port number, 0-65535');
  return n;
}
