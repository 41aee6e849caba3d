import { brand } from '../../src/brand.js';
import { FatalError } from '../../src/errors.js';
import { countOf, keyList } from './listing.js';

/**
 * A call that takes its input from other calls (a reducer, a map over futures) did not start,
 * because some of those calls did not succeed: it would have run on partial input.
 */
export class UpstreamFailedError extends FatalError {
  static {
    brand(this, 'UpstreamFailedError');
  }

  constructor(
    readonly key: string,
    readonly failedKeys: readonly string[],
  ) {
    super(
      `call ${key} did not start: ${countOf(failedKeys, 'call')} it takes its input from did not succeed (${keyList(failedKeys)}); ` +
        'rerun them and it with retryFailed([...])',
    );
  }
}
