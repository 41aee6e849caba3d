import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REGISTER = fileURLToPath(new URL('./register.js', import.meta.url));
/** The package's root, from dist/bench/import-probe: `import 'falco'` from there resolves to this build. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What one `import` loaded in a fresh `node`: the files and the packages (by name) they belong to. */
export interface Loaded {
  /** Every file loaded, ES module or CommonJS, falco's own included. */
  readonly files: readonly string[];
  /** How many files each package in node_modules contributed. */
  readonly packages: ReadonlyMap<string, number>;
}

/** The script a child runs: `import 'falco'` (or nothing, for bare node). */
export function importScript(specifier: string | undefined): string {
  return specifier === undefined ? '' : `import ${JSON.stringify(specifier)};`;
}

/** Imports `specifier` (undefined: nothing) in a fresh `node` started in the package's root and lists what it loaded. */
export async function probeImport(specifier: string | undefined): Promise<Loaded> {
  const dir = await mkdtemp(join(tmpdir(), 'falco-import-'));
  const out = join(dir, 'loaded.txt');
  try {
    await run(process.execPath, ['--import', REGISTER, '--input-type=module', '-e', importScript(specifier)], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, FALCO_IMPORT_PROBE_OUT: out },
      timeout: 60_000,
    });
    const files = [...new Set((await readFile(out, 'utf8').catch(() => '')).split('\n').filter(Boolean))];
    return { files, packages: packagesOf(files) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function packagesOf(files: readonly string[]): Map<string, number> {
  const packages = new Map<string, number>();
  for (const file of files) {
    const name = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
    if (name) packages.set(name, (packages.get(name) ?? 0) + 1);
  }
  return packages;
}

/** One fresh `node` that imports `specifier` (undefined: bare node) and exits: its wall time and how many of Node's own modules it loaded. */
export async function timeImport(specifier: string | undefined): Promise<{ ms: number; builtins: number }> {
  const script = `${importScript(specifier)} process.once('exit', () => console.log(process.moduleLoadList.length));`;
  const start = performance.now();
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: PACKAGE_ROOT, timeout: 60_000 });
  return { ms: performance.now() - start, builtins: Number(stdout.trim()) };
}
