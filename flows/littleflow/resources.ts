import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messageOf } from '../../src/errors.js';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import { yaml } from './yaml.js';

/** Loads a resource `<uri>` as a value, when the flow compiles: the value is the resource node's output. */
export type ResourceResolver = (uri: string, parameters: JsonObject) => Json;

const JSON_TYPES = new Set(['application/json', 'text/json', 'text/plain+json']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain+yaml']);

/**
 * falco's default resolver: a relative URI, an absolute path or a `file:` URL names a file, read relative
 * to `baseDir` (the flow's folder); it is JSON or YAML by its `content-type` parameter, else by its extension
 * (`.json`, `.yaml`, `.yml`). Anything else (`http:`…) needs a resolver of the caller's own.
 */
export function fileResolver(baseDir: string): ResourceResolver {
  return (uri, parameters) => {
    const path = filePath(uri, baseDir);
    const format = formatOf(uri, parameters['content-type']);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${path}: ${messageOf(error)}`);
    }
    try {
      return format === 'json' ? (JSON.parse(text) as Json) : (yaml().parse(text, { logLevel: 'error' }) as Json);
    } catch (error) {
      throw new Error(`${path} is not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${messageOf(error).split('\n', 1)[0]}`);
    }
  };
}

function filePath(uri: string, baseDir: string): string {
  if (uri.startsWith('file:')) return fileURLToPath(uri);
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !isAbsolute(uri)) {
    throw new Error(`only files are read when a flow compiles, not <${uri}>: pass resolveResource to compileFlow to load other URIs`);
  }
  return resolve(baseDir, decodeURIComponent(uri));
}

function formatOf(uri: string, contentType: Json | undefined): 'json' | 'yaml' {
  if (typeof contentType === 'string') {
    const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
    if (JSON_TYPES.has(type)) return 'json';
    if (YAML_TYPES.has(type)) return 'yaml';
    throw new Error(`cannot read <${uri}> as content-type ${contentType}: falco reads ${[...JSON_TYPES, ...YAML_TYPES].join(', ')}`);
  }
  const extension = extname(uri.split(/[?#]/, 1)[0]!).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  throw new Error(`cannot tell how to read <${uri}>: name it .json, .yaml or .yml, or give its type, as in <${uri}>(- content-type: application/json -)`);
}
