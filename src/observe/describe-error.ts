import { FalcoError, messageOf } from '../errors.js';

/** One line for a person: a falco error by its class name, several errors each in turn, anything else as it prints. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError) return `${error.message}: ${error.errors.map(describeError).join('; ')}`;
  if (error instanceof FalcoError) return `${error.name}: ${error.message}`;
  return messageOf(error);
}
