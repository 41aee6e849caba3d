import { FatalError } from '../../src/index.js';
import type { WorkspaceStore } from '../../stores/index.js';

/**
 * A store that commits `commits` checkpoints and then fails every later commit for good, as if
 * the service's process died between applying a batch and writing it: what it applied is lost.
 */
export function crashingAfter(store: WorkspaceStore, commits: number): WorkspaceStore {
  let left = commits;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'commit') {
        return (...args: Parameters<WorkspaceStore['commit']>) => {
          if (left-- <= 0) return Promise.reject(new FatalError('the process died before its checkpoint was written'));
          return target.commit(...args);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
