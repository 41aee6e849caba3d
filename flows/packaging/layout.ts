/**
 * Where each traced file goes in a function's package, so that Node resolves the same imports
 * there: a package reached through `node_modules` goes to `node_modules/<name>/`, and each root
 * given (falco itself, the user's project) to the place it names; a file goes with the deepest
 * root that holds it, its path inside that root kept. Where two copies of a package are needed
 * (npm nests a second version under the package that wants it), the least nested one goes to
 * the top and the others keep their nesting, `node_modules/a/node_modules/b`.
 */
import { relative, sep } from 'node:path';
import { DeploymentError } from '../../src/errors.js';
import type { PackageDir } from './resolve.js';
import type { Trace } from './trace.js';

const NESTING = `${sep}node_modules${sep}`;

/** A directory of files and where it goes in the package (a relative path with `/`). */
export interface PlacedRoot {
  readonly dir: string;
  readonly at: string;
}

/** The package's files: its path for each (with `/`) → the file on disk. */
export function layOut(trace: Trace, roots: readonly PlacedRoot[]): Map<string, string> {
  const placed = [...roots, ...placePackages(trace.packages)];
  checkNoClash(placed);
  // The deepest root first, so a package inside a project goes with the package.
  placed.sort((a, b) => b.dir.length - a.dir.length);
  const files = new Map<string, string>();
  for (const file of trace.files) {
    const root = placed.find(({ dir }) => file.startsWith(dir + sep));
    if (root === undefined) {
      throw new DeploymentError(`${file} is needed at run time but lies outside ${roots.map(({ dir }) => dir).join(' and ')} and every package: move it into the project`);
    }
    files.set(`${root.at}/${relative(root.dir, file).split(sep).join('/')}`, file);
  }
  return files;
}

function placePackages(packages: readonly PackageDir[]): PlacedRoot[] {
  const depth = (dir: string) => dir.split(NESTING).length;
  const byName = new Map<string, PackageDir[]>();
  for (const pkg of [...packages].sort((a, b) => depth(a.root) - depth(b.root))) byName.set(pkg.name, [...(byName.get(pkg.name) ?? []), pkg]);
  return [...byName.values()].flatMap(([top, ...nested]) => [
    { dir: top!.root, at: `node_modules/${top!.name}` },
    ...nested.map(({ root }) => ({ dir: root, at: `node_modules/${nestedPath(root, top!.root)}` })),
  ]);
}

/** A second copy's path below the first `node_modules`, as npm nests it; pnpm's store (`.pnpm/...`) has no such nesting. */
function nestedPath(root: string, top: string): string {
  const path = root.slice(root.indexOf(NESTING) + NESTING.length).split(sep);
  if (path[0]!.startsWith('.')) throw new DeploymentError(`two copies of a package, ${top} and ${root}, lie in a store that is not a node_modules tree (pnpm's): install with node-linker=hoisted, so each has its place`);
  return path.join('/');
}

/** Two directories that would land in one place (two versions of a package): the package could load only one. */
function checkNoClash(placed: readonly PlacedRoot[]): void {
  const byPlace = new Map<string, string>();
  for (const { dir, at } of placed) {
    const other = byPlace.get(at);
    if (other !== undefined && other !== dir) {
      throw new DeploymentError(`both ${other} and ${dir} would be ${at} in the function's package: install one copy (npm dedupe), so every import finds the same one`);
    }
    byPlace.set(at, dir);
  }
}
