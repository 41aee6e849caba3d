/**
 * `falco/packaging`: code packaged for a cloud with what it imports. An entry of its own, so that
 * a function importing `falco/flows` does not carry the packager (and its zip writer) in its zip.
 */
export { packageCoordinator, type PackageCoordinatorOptions, type PackagedCoordinator } from '../code/coordinator-package.js';
export { traceImports, type Trace } from './trace.js';
export type { PackageDir } from './resolve.js';
