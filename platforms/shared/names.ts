import { randomBytes } from 'node:crypto';

/** Every function falco deploys has a name starting with this, so leftovers can be found and removed. */
export const FALCO_NAME_PREFIX = 'falco-';

/** `falco-<name>-<8 hex chars>`: unique, recognisable, and valid on every platform (≤ 55 chars). */
export function deploymentName(name: string): string {
  return `${FALCO_NAME_PREFIX}${name}-${randomBytes(4).toString('hex')}`;
}

export function isFalcoName(name: string): boolean {
  return /^falco-[a-z0-9][a-z0-9-]*-[0-9a-f]{8}$/.test(name);
}
