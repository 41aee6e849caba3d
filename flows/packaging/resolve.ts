/**
 * Node's module resolution, done on files without loading them: relative paths, `#` imports and
 * bare packages through `node_modules`, with package.json `exports` / `imports` (conditions
 * `import` or `require`, then `node`, then `default`) or else `main` and `index.js`.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, parse, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportKind } from './scan-imports.js';

/** A package found through `node_modules`: its name and its directory (real path). */
export interface PackageDir {
  readonly name: string;
  readonly root: string;
}

export type Resolution = { readonly builtin: true } | { readonly builtin?: false; readonly file: string; readonly package?: PackageDir };

/** Why a specifier does not resolve, for the tracer to name with its importer. */
export class UnresolvedImport extends Error {}

export interface PackageJson {
  readonly name?: unknown;
  readonly main?: unknown;
  readonly exports?: unknown;
  readonly imports?: unknown;
}

const CONDITIONS: Record<ImportKind, readonly string[]> = { static: ['import', 'node'], dynamic: ['import', 'node'], require: ['require', 'node'] };
const REQUIRE_EXTENSIONS = ['.js', '.json', '.node'];

/** Resolves and caches: one resolver per trace. */
export class Resolver {
  readonly #manifests = new Map<string, Promise<PackageJson | undefined>>();

  async resolve(specifier: string, importer: string, kind: ImportKind): Promise<Resolution> {
    if (isBuiltin(specifier)) return { builtin: true };
    if (specifier.startsWith('file:')) return { file: await this.#file(fileURLToPath(specifier), kind) };
    if (/^\.{0,2}\//.test(specifier) || specifier === '.' || specifier === '..') return { file: await this.#file(resolvePath(dirname(importer), specifier), kind) };
    if (specifier.startsWith('#')) return this.#packageImport(specifier, importer, kind);
    return this.#bare(specifier, importer, kind);
  }

  /** The nearest package.json above a file: the one that says whether its `.js` is ESM. */
  async scopeOf(file: string): Promise<string | undefined> {
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if (!dir.endsWith(`${sep}node_modules`) && (await this.manifest(dir)) !== undefined) return join(dir, 'package.json');
      if (dir === parse(dir).root) return undefined;
    }
  }

  manifest(dir: string): Promise<PackageJson | undefined> {
    let manifest = this.#manifests.get(dir);
    if (manifest === undefined) {
      manifest = readFile(join(dir, 'package.json'), 'utf8').then(
        (text) => JSON.parse(text) as PackageJson,
        () => undefined,
      );
      this.#manifests.set(dir, manifest);
    }
    return manifest;
  }

  async #bare(specifier: string, importer: string, kind: ImportKind): Promise<Resolution> {
    const { name, subpath } = splitPackage(specifier);
    const scope = await this.scopeOf(importer);
    const own = scope === undefined ? undefined : await this.manifest(dirname(scope));
    // A package importing itself by its own name, through its exports.
    if (own?.name === name && own.exports !== undefined) return this.#inPackage(dirname(scope!), name, own, subpath, kind);
    for (let dir = dirname(importer); ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (await isDirectory(candidate)) {
        const root = await realpath(candidate);
        return this.#inPackage(root, name, (await this.manifest(root)) ?? {}, subpath, kind);
      }
      if (dir === parse(dir).root) throw new UnresolvedImport(`no package "${name}" in any node_modules above it`);
    }
  }

  async #inPackage(root: string, name: string, manifest: PackageJson, subpath: string, kind: ImportKind): Promise<Resolution> {
    const pkg = { name, root };
    if (manifest.exports !== undefined && manifest.exports !== null) {
      const target = exportsTarget(manifest.exports, `.${subpath}`, CONDITIONS[kind]);
      if (typeof target !== 'string') throw new UnresolvedImport(`package "${name}" exports no "${`.${subpath}`}" for ${CONDITIONS[kind].join(' / ')} / default`);
      return { file: await this.#exact(join(root, target)), package: pkg };
    }
    if (subpath !== '') return { file: await this.#file(join(root, subpath), kind), package: pkg };
    const main = typeof manifest.main === 'string' ? manifest.main : undefined;
    if (main !== undefined) {
      const file = await this.#asRequire(join(root, main));
      if (file !== undefined) return { file, package: pkg };
    }
    return { file: await this.#file(join(root, 'index.js'), kind), package: pkg };
  }

  async #packageImport(specifier: string, importer: string, kind: ImportKind): Promise<Resolution> {
    const scope = await this.scopeOf(importer);
    const manifest = scope === undefined ? undefined : await this.manifest(dirname(scope));
    const target = manifest?.imports ? exportsTarget(manifest.imports, specifier, CONDITIONS[kind]) : undefined;
    if (typeof target !== 'string') throw new UnresolvedImport(`the package.json ${scope ?? 'above it'} maps no "${specifier}" in its imports`);
    if (target.startsWith('./')) return { file: await this.#exact(join(dirname(scope!), target)) };
    return this.#bare(target, importer, kind);
  }

  /** ESM wants the exact file; `require` also tries extensions, `main` and `index`. */
  async #file(path: string, kind: ImportKind): Promise<string> {
    if (kind !== 'require') return this.#exact(path);
    const file = await this.#asRequire(path);
    if (file === undefined) throw new UnresolvedImport(`no file ${path}, nor with ${REQUIRE_EXTENSIONS.join(', ')}, nor a directory with an index`);
    return file;
  }

  async #exact(path: string): Promise<string> {
    if (!(await isFile(path))) throw new UnresolvedImport(`no file ${path}`);
    return realpath(path);
  }

  async #asRequire(path: string): Promise<string | undefined> {
    for (const candidate of [path, ...REQUIRE_EXTENSIONS.map((extension) => path + extension)]) if (await isFile(candidate)) return realpath(candidate);
    if (!(await isDirectory(path))) return undefined;
    const main = (await this.manifest(path))?.main;
    if (typeof main === 'string' && main !== '' && main !== '.' && main !== './') {
      const file = await this.#asRequire(join(path, main));
      if (file !== undefined) return file;
    }
    for (const extension of REQUIRE_EXTENSIONS) if (await isFile(join(path, `index${extension}`))) return realpath(join(path, `index${extension}`));
    return undefined;
  }
}

/** `@scope/name/sub/path` → `@scope/name` and `/sub/path`. */
export function splitPackage(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const length = specifier.startsWith('@') ? 2 : 1;
  return { name: parts.slice(0, length).join('/'), subpath: parts.length > length ? `/${parts.slice(length).join('/')}` : '' };
}

/**
 * The target an `exports` (or `imports`) map gives a subpath: exact keys first, then the `*`
 * pattern with the longest prefix; undefined when none matches, null when it is excluded.
 */
export function exportsTarget(map: unknown, subpath: string, conditions: readonly string[]): string | null | undefined {
  const entries = typeof map === 'object' && map !== null && !Array.isArray(map) ? Object.keys(map) : [];
  const bySubpath = entries.some((key) => key.startsWith('.') || key.startsWith('#')) ? (map as Record<string, unknown>) : { '.': map };
  if (Object.hasOwn(bySubpath, subpath) && !subpath.includes('*')) return conditionalTarget(bySubpath[subpath], undefined, conditions);
  let best: { key: string; match: string } | undefined;
  for (const key of Object.keys(bySubpath)) {
    const star = key.indexOf('*');
    if (star === -1) continue;
    const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.length >= key.length - 1 && subpath.startsWith(prefix) && subpath.endsWith(suffix) && (best === undefined || prefix.length > best.key.indexOf('*'))) {
      best = { key, match: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return best === undefined ? undefined : conditionalTarget(bySubpath[best.key], best.match, conditions);
}

function conditionalTarget(target: unknown, match: string | undefined, conditions: readonly string[]): string | null | undefined {
  if (typeof target === 'string') return match === undefined ? target : target.replaceAll('*', match);
  if (target === null) return null;
  if (Array.isArray(target)) {
    for (const each of target) {
      const resolved = conditionalTarget(each, match, conditions);
      if (typeof resolved === 'string') return resolved;
    }
    return undefined;
  }
  if (typeof target !== 'object') return undefined;
  for (const [condition, value] of Object.entries(target as Record<string, unknown>)) {
    if (condition !== 'default' && !conditions.includes(condition)) continue;
    const resolved = conditionalTarget(value, match, conditions);
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** The directory of the nearest package.json above a file (its project or package), or undefined when there is none. */
export async function packageDirOf(file: string): Promise<string | undefined> {
  const scope = await new Resolver().scopeOf(file);
  return scope === undefined ? undefined : dirname(scope);
}
