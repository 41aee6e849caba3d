import { readFile, realpath } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deployable } from '../../src/deployable.js';
import { ConfigError, DeploymentError } from '../../src/errors.js';
import { zipCode } from '../../src/zip.js';
import { falcoFunction } from '../in-place-function.js';
import { layOut, type PlacedRoot } from '../packaging/layout.js';
import { packageDirOf } from '../packaging/resolve.js';
import { traceImports } from '../packaging/trace.js';
import { checkCoordinatorStore, COORDINATOR_MODULE_ENV, COORDINATOR_STORE_ENV, type CoordinatorReply } from './coordinator-function.js';

export interface PackageCoordinatorOptions {
  /** The module that defines the workflows (a file on this machine); it is traced and packed with its imports. */
  readonly module: string;
  /** Variables the workflow's module reads, added to the function's environment (never to the zip). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** @default 512 */
  readonly memoryMB?: number | undefined;
  /** @default 900000 (15 minutes) */
  readonly timeoutMs?: number | undefined;
}

/** A coordinator function whose code is a zip of its own, and what went into it. */
export interface PackagedCoordinator {
  readonly deployable: Deployable<{ run: string }, CoordinatorReply>;
  /** The zip's files, by their path in it. */
  readonly files: readonly string[];
  /** The zip's size in bytes. */
  readonly bytes: number;
  /** What the import trace could not follow (computed `import()`, native addons, optional packages not installed). */
  readonly warnings: readonly string[];
}

/** Where the user's project goes in the zip, when the module lies outside falco and every package. */
const PROJECT_AT = 'workflow';
/** The zip's entry file; `.mjs`, so no package.json at the top decides how the project's own files load. */
const ENTRY_FILE = 'main.mjs';
const MAIN = new URL('./coordinator/main.js', import.meta.url);

/**
 * The coordinator of workflows as code as a function for a platform that does not share this
 * machine's files (a cloud; tested on Lambda, through moto): its code is a zip holding `main.mjs`, falco under `node_modules/falco`, the
 * packages the coordinator and the workflow's module import, and the module itself (under
 * `workflow/`, its project's layout kept, when it is not inside a package). `FALCO_COORDINATOR_MODULE`
 * tells the function which file of the zip defines the workflows. The store URL travels in the
 * deployment's environment, as with `coordinatorDeployable`; no secret goes into the zip. The
 * store must be Redis, reachable from the cloud.
 */
export async function packageCoordinator(store: string, options: PackageCoordinatorOptions): Promise<PackagedCoordinator> {
  checkCoordinatorStore(store);
  if (typeof options.module !== 'string' || options.module === '') throw new ConfigError('packageCoordinator needs { module: "<the file of the module that defines the workflows>" }');
  const main = await realpath(fileURLToPath(MAIN));
  const module = await realpath(resolve(options.module)).catch((error: unknown) => {
    throw new ConfigError(`the workflow module ${options.module} cannot be read: ${(error as Error).message}`, { cause: error });
  });
  const falcoRoot = await packageDirOf(main);
  if (falcoRoot === undefined) throw new DeploymentError(`falco's own package.json is missing above ${main}: reinstall falco`);
  const trace = await traceImports([main, module]);
  const roots: PlacedRoot[] = [{ dir: falcoRoot, at: 'node_modules/falco' }];
  const project = (await packageDirOf(module)) ?? dirname(module);
  if (![falcoRoot, ...trace.packages.map(({ root }) => root)].some((dir) => isWithin(project, dir))) roots.push({ dir: project, at: PROJECT_AT });
  const files = layOut(trace, roots);
  const at = new Map([...files].map(([path, file]) => [file, path]));
  const entry = `// falco's coordinator of workflows as code; the file ${COORDINATOR_MODULE_ENV} names defines the workflows.\nimport { packagedMain } from './${at.get(main)}';\nexport const main = packagedMain(import.meta.url);\n`;
  const contents = new Map<string, Buffer>([[ENTRY_FILE, Buffer.from(entry)]]);
  for (const [path, file] of files) contents.set(path, await readFile(file));
  const zip = await zipCode({ files: contents });
  const env = { ...options.env, [COORDINATOR_STORE_ENV]: store, [COORDINATOR_MODULE_ENV]: at.get(module)! };
  return {
    deployable: falcoFunction({ zip }, ENTRY_FILE, 'falco-coordinator', { env, memoryMB: options.memoryMB, timeoutMs: options.timeoutMs }),
    files: [...contents.keys()],
    bytes: zip.length,
    // The coordinator's own computed import() is of the workflow's module, traced as an entry.
    warnings: trace.warnings.filter((warning) => !warning.startsWith(`${main}:`)),
  };
}

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}
