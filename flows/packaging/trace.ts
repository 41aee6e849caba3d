/**
 * The files a JavaScript entry needs at run time, found by following its imports (see
 * `scanImports` and `Resolver`): the modules and JSON it loads, and the package.json files that
 * say how Node reads them. What cannot be followed (a computed `import()`, a native addon, a
 * guarded `require` of a package that is not installed) is a warning, never dropped in silence.
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DeploymentError } from '../../src/errors.js';
import { Resolver, UnresolvedImport, type PackageDir } from './resolve.js';
import { scanImports, type ImportKind } from './scan-imports.js';

export interface Trace {
  /** Every file needed, by real path, in the order found. */
  readonly files: readonly string[];
  /** The packages reached through `node_modules`. */
  readonly packages: readonly PackageDir[];
  /** What the trace could not follow, each naming the file and line. */
  readonly warnings: readonly string[];
}

const SCANNED = new Set(['.js', '.mjs', '.cjs']);

/**
 * Traces from the entry files (real paths). A static import that does not resolve is a
 * `DeploymentError` naming the importer, the line and the specifier: the code could not run.
 */
export async function traceImports(entries: readonly string[]): Promise<Trace> {
  const resolver = new Resolver();
  const files = new Set<string>();
  const packages = new Map<string, PackageDir>();
  const warnings: string[] = [];
  const queue: string[] = [];
  const add = async (file: string): Promise<void> => {
    if (files.has(file)) return;
    files.add(file);
    queue.push(file);
    const scope = await resolver.scopeOf(file);
    if (scope !== undefined) files.add(scope);
  };
  for (const entry of entries) await add(entry);
  while (queue.length > 0) {
    const file = queue.shift()!;
    const extension = extname(file);
    if (extension === '.node') warnings.push(`${file}: a native addon, built for this machine: it runs only where the OS, CPU and Node.js match`);
    if (!SCANNED.has(extension)) continue;
    const { imports, computed } = scanImports(await readFile(file, 'utf8'));
    for (const site of computed) warnings.push(`${file}:${site.line} ${site.kind === 'require' ? 'require' : 'import'}() of a computed specifier is not followed: ${site.text}`);
    for (const { specifier, kind, line } of imports) {
      let resolution;
      try {
        resolution = await resolver.resolve(specifier, file, kind);
      } catch (error) {
        if (!(error instanceof UnresolvedImport)) throw error;
        const what = `${file}:${line} ${verb(kind)} "${specifier}", which does not resolve: ${error.message}`;
        if (kind === 'static') throw new DeploymentError(`${what}: install it, or fix the import`);
        warnings.push(`${what} (left out: the call fails if it runs)`);
        continue;
      }
      if (resolution.builtin) continue;
      if (resolution.package && !packages.has(resolution.package.root)) {
        packages.set(resolution.package.root, resolution.package);
        if ((await resolver.manifest(resolution.package.root)) !== undefined) files.add(join(resolution.package.root, 'package.json'));
      }
      await add(resolution.file);
    }
  }
  return { files: [...files], packages: [...packages.values()], warnings };
}

function verb(kind: ImportKind): string {
  return kind === 'static' ? 'imports' : kind === 'dynamic' ? 'import()s' : 'requires';
}
