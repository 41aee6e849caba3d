import { brand } from '../../src/brand.js';
import { ConfigError, TransientError, type FalcoErrorOptions } from '../../src/errors.js';

/**
 * A workflow API request that cannot be done: `status` is its HTTP status (400 bad input, 401 no or
 * wrong token, 403 refused origin or host, 404 no such workflow, 409 not in a state that allows it),
 * the message says what is wrong and how to fix it. The server throws it to answer; the client
 * throws it with the server's message.
 */
export class WorkflowApiError extends ConfigError {
  static {
    brand(this, 'WorkflowApiError');
  }

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A watch that lost its event stream and could not get it back: `attempts` reconnects in a row failed. */
export class WatchLostError extends TransientError {
  static {
    brand(this, 'WatchLostError');
  }

  constructor(
    readonly attempts: number,
    message: string,
    options?: FalcoErrorOptions,
  ) {
    super(message, options);
  }
}
