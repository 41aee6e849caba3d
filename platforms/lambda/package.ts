import { readFile } from 'node:fs/promises';
import { codeFiles } from '../shared/package.js';
import { zipCode } from '../../src/zip.js';
import type { Deployable } from '../../src/deployable.js';
import { parseRuntimeId } from '../../src/runtime.js';
import { NODE_HANDLER } from './wrappers/node-handler.js';
import { PYTHON_HANDLER } from './wrappers/python-handler.js';

/** The handler Lambda calls: `falco_handler.mjs` or `falco_handler.py`, function `handler`. */
export const LAMBDA_HANDLER = 'falco_handler.handler';

/** What the wrapper reads at cold start, as `falco.json` next to it. */
export interface WrapperConfig {
  readonly entryFile: string;
  readonly entryPoint: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Compiled next to this file by tsc; shipped so that the Node wrapper loads actions as every falco platform does. */
const NODE_LOADER = new URL('../shared/node-loader.js', import.meta.url);

/** The function's zip: the user's code (its own zip's files, for `{ zip }` code) plus falco's handler wrapper and its config. */
export async function lambdaPackage(deployable: Deployable): Promise<Buffer> {
  const { language } = parseRuntimeId(deployable.runtime);
  const code = await codeFiles(deployable);
  const config: WrapperConfig = { entryFile: code.entryFile, entryPoint: deployable.entryPoint, params: deployable.params };
  const extra = new Map<string, string | Buffer>([['falco.json', JSON.stringify(config)]]);
  if (language === 'nodejs') {
    extra.set('falco_handler.mjs', NODE_HANDLER);
    extra.set('falco_loader.mjs', await readFile(NODE_LOADER));
  } else {
    extra.set('falco_handler.py', PYTHON_HANDLER);
  }
  return zipCode(code, extra);
}
