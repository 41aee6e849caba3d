import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, messageOf } from '../../src/errors.js';
import type { FlowGraph } from '../tasks/graph.js';
import { compileFlow, type FlowCompileOptions } from './compiler.js';

/**
 * Reads and compiles a `.flow` file. Its errors name the file as given; its resources `<data.json>` are
 * read relative to the file's folder.
 */
export function compileFlowFile(path: string, options: Omit<FlowCompileOptions, 'file'> = {}): FlowGraph {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the flow file ${path}: ${messageOf(error)}`, { cause: error });
  }
  return compileFlow(text, { baseDir: dirname(resolve(path)), ...options, file: path });
}
