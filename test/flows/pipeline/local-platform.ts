import { after, before } from 'node:test';
import type { Platform } from '../../../src/index.js';
import { createPlatform } from '../../../platforms/index.js';

/** The local platform for the enclosing suite, closed after it. Call inside `describe`. */
export function suiteLocalPlatform(): () => Platform {
  let platform: Platform | undefined;
  before(async () => {
    platform = await createPlatform('local');
  });
  after(() => platform?.close());
  return () => {
    if (!platform) throw new Error('the suite platform exists only while its tests run');
    return platform;
  };
}
