import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deployable } from '../../src/deployable.js';
import { DeploymentError } from '../../src/errors.js';
import { codeFile, codeFiles, type CodeFiles } from '../shared/package.js';
import { zipCode } from '../../src/zip.js';
import type { GcfRuntime } from './runtimes.js';
import { NODE_WRAPPER } from './wrapper-node.js';
import { PYTHON_WRAPPER } from './wrapper-python.js';

/** The compiled loader, shipped inside the zip so the wrapper can import it. */
const NODE_LOADER = new URL('../shared/node-loader.js', import.meta.url);

export const NODE_WRAPPER_FILE = 'falco-handler.mjs';
const NODE_LOADER_FILE = 'falco-node-loader.mjs';
export const PYTHON_WRAPPER_FILE = 'main.py';
export const CONFIG_FILE = 'falco-config.json';

/** Cloud Functions rejects a source zip larger than this. */
export const MAX_ZIP_BYTES = 100 * 1024 * 1024;

/** The source zip: the user's code (its own zip's files, for `{ zip }` code) plus falco's wrapper, its loader and its configuration. */
export async function packageFunction(deployable: Deployable, runtime: GcfRuntime): Promise<Buffer> {
  const code = await codeFiles(deployable);
  const { entryFile } = code;
  const config = JSON.stringify({ entryFile, entryPoint: deployable.entryPoint, params: deployable.params });
  const extra =
    runtime.language === 'nodejs'
      ? new Map<string, string | Buffer>([
          [NODE_WRAPPER_FILE, NODE_WRAPPER],
          [NODE_LOADER_FILE, await readFile(NODE_LOADER)],
          [CONFIG_FILE, config],
          ['package.json', await nodeManifest(code)],
        ])
      : new Map<string, string | Buffer>([
          [PYTHON_WRAPPER_FILE, PYTHON_WRAPPER],
          [CONFIG_FILE, config],
        ]);
  for (const name of extra.keys()) {
    const taken = name === entryFile || (name !== 'package.json' && (await codeFile(code, name)) !== undefined);
    if (taken) throw new DeploymentError(`gcf: the function's code may not contain a file named ${name}: falco's handler needs that name; rename the file`);
  }
  const zip = await zipCode(code, extra);
  if (zip.length > MAX_ZIP_BYTES) {
    throw new DeploymentError(`gcf: the function's zip is ${zip.length} bytes; Cloud Functions takes at most ${MAX_ZIP_BYTES}`);
  }
  return zip;
}

/**
 * The Functions Framework loads the module package.json names as `main`: the wrapper. The code's
 * own manifest is kept (its dependencies are installed at build time) with `main` pointed at the
 * wrapper; the wrapper loads the user's entry file itself.
 */
async function nodeManifest(code: CodeFiles): Promise<string> {
  const own = await codeFile(code, 'package.json');
  let manifest: Record<string, unknown> = { name: 'falco-function', version: '1.0.0', private: true };
  if (own) {
    try {
      manifest = JSON.parse(own.toString('utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new DeploymentError(`gcf: ${code.dir ? join(code.dir, 'package.json') : "the function's package.json"} is not valid JSON`, { cause: error });
    }
  }
  return JSON.stringify({ ...manifest, main: NODE_WRAPPER_FILE }, null, 2);
}
