import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeEnums, enumName } from './enums.js';
import { ApiError, readBody, sendJson } from './http.js';
import { functionJson, operationJson, type FunctionRecord, type FunctionSpec } from './model.js';
import type { Registry } from './registry.js';
import type { Uploads } from './uploads.js';

export interface ApiContext {
  readonly project: string;
  readonly registry: Registry;
  readonly uploads: Uploads;
  /** The most functions one list page holds when the client does not ask for fewer. */
  readonly pageSize: number;
}

const RUNTIMES = new Set(['nodejs18', 'nodejs20', 'nodejs22', 'python39', 'python310', 'python311', 'python312']);
const FUNCTION_ID = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MEBIBYTE = 1024 ** 2;
const MEMORY_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: MEBIBYTE, Gi: 1024 ** 3 };

type Route = (context: ApiContext, request: IncomingMessage, url: URL, match: RegExpExecArray) => Promise<unknown> | unknown;

const LOCATION = 'projects/[^/]+/locations/[^/]+';
const ROUTES: readonly { readonly method: string; readonly path: RegExp; readonly run: Route }[] = [
  { method: 'POST', path: new RegExp(`^(${LOCATION})/functions:generateUploadUrl$`), run: generateUploadUrl },
  { method: 'GET', path: new RegExp(`^(${LOCATION})/functions$`), run: listFunctions },
  { method: 'POST', path: new RegExp(`^(${LOCATION})/functions$`), run: createFunction },
  { method: 'GET', path: new RegExp(`^(${LOCATION})/functions/([^/]+)$`), run: getFunction },
  { method: 'DELETE', path: new RegExp(`^(${LOCATION})/functions/([^/]+)$`), run: deleteFunction },
  { method: 'GET', path: new RegExp(`^(${LOCATION})/operations/([^/]+)$`), run: getOperation },
];

/** One call of the v2 REST API (`/v2/...`): the answer as JSON, enums encoded as the client asked. */
export async function handleApi(context: ApiContext, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const path = decodeURIComponent(url.pathname.slice('/v2/'.length));
  for (const route of ROUTES) {
    const match = route.path.exec(path);
    if (!match || route.method !== request.method) continue;
    const body = await route.run(context, request, url, match);
    const numeric = (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int');
    return sendJson(response, 200, encodeEnums(body, numeric));
  }
  throw new ApiError(404, `Method not found: ${request.method} /v2/${path}`);
}

function location(context: ApiContext, match: RegExpExecArray, permission: string): string {
  const name = match[1] ?? '';
  const project = name.split('/')[1];
  if (project !== context.project) {
    throw new ApiError(403, `Permission '${permission}' denied on '${name}' (or it may not exist).`);
  }
  return name;
}

function generateUploadUrl(context: ApiContext, _request: IncomingMessage, _url: URL, match: RegExpExecArray): unknown {
  const name = location(context, match, 'cloudfunctions.functions.sourceCodeSet');
  return context.uploads.generate(name.split('/')[3] ?? '');
}

function listFunctions(context: ApiContext, _request: IncomingMessage, url: URL, match: RegExpExecArray): unknown {
  const name = location(context, match, 'cloudfunctions.functions.list');
  const inAll = name.endsWith('/locations/-');
  const all = [...context.registry.functions.values()]
    .filter((record) => (inAll ? record.location.startsWith(`projects/${context.project}/`) : record.location === name))
    .sort((a, b) => a.resource.localeCompare(b.resource));
  const asked = Number(url.searchParams.get('pageSize') ?? 0);
  const size = asked > 0 ? Math.min(asked, context.pageSize) : context.pageSize;
  const start = Number(Buffer.from(url.searchParams.get('pageToken') ?? '', 'base64url').toString() || 0);
  const page = all.slice(start, start + size);
  const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { functions: page.map(functionJson), ...(next ? { nextPageToken: next } : {}) };
}

async function createFunction(context: ApiContext, request: IncomingMessage, url: URL, match: RegExpExecArray): Promise<unknown> {
  const name = location(context, match, 'cloudfunctions.functions.create');
  const id = url.searchParams.get('functionId') ?? '';
  const body = parseJson(await readBody(request)) as FunctionSpec;
  const spec = checkSpec(name, id, body);
  const source = spec.buildConfig?.source as { storageSource?: { bucket?: string; object?: string } } | undefined;
  const zip = context.uploads.zip(source?.storageSource?.bucket ?? '', source?.storageSource?.object ?? '');
  if (!zip) throw new ApiError(400, `Invalid function source: no uploaded object at ${JSON.stringify(source?.storageSource ?? null)}`);
  if (context.registry.functions.has(`${name}/functions/${id}`)) {
    throw new ApiError(409, `Function ${id} in region ${name.split('/')[3]} in project ${context.project} already exists`, 'ALREADY_EXISTS');
  }
  return operationJson(context.registry.create(name, id, spec, zip));
}

function getFunction(context: ApiContext, _request: IncomingMessage, _url: URL, match: RegExpExecArray): unknown {
  return functionJson(found(context, match, 'cloudfunctions.functions.get'));
}

function deleteFunction(context: ApiContext, _request: IncomingMessage, _url: URL, match: RegExpExecArray): unknown {
  const record = found(context, match, 'cloudfunctions.functions.delete');
  if (record.state === 'DEPLOYING' || record.state === 'DELETING') {
    throw new ApiError(409, `An operation on function ${record.resource} is in progress. Please try again later.`, 'ABORTED');
  }
  return operationJson(context.registry.delete(record));
}

function getOperation(context: ApiContext, _request: IncomingMessage, _url: URL, match: RegExpExecArray): unknown {
  const name = `${location(context, match, 'cloudfunctions.operations.get')}/operations/${match[2]}`;
  const op = context.registry.operations.get(name);
  if (!op) throw new ApiError(404, `Operation ${name} not found.`);
  return operationJson(op);
}

function found(context: ApiContext, match: RegExpExecArray, permission: string): FunctionRecord {
  const name = `${location(context, match, permission)}/functions/${match[2]}`;
  const record = context.registry.functions.get(name);
  if (!record) throw new ApiError(404, `Resource '${name}' was not found`);
  return record;
}

/** The checks the real API makes before it starts a deployment; a failure is 400 INVALID_ARGUMENT. */
function checkSpec(location: string, id: string, spec: FunctionSpec): FunctionSpec {
  if (!FUNCTION_ID.test(id)) {
    throw new ApiError(400, `Invalid function id "${id}": use lower-case letters, digits and hyphens, start with a letter, at most 63 characters`);
  }
  if (spec.name !== undefined && spec.name !== `${location}/functions/${id}`) {
    throw new ApiError(400, `function.name must be ${location}/functions/${id} (got ${String(spec.name)})`);
  }
  const environment = enumName('environment', spec.environment ?? 'GEN_2');
  if (environment !== 'GEN_2') throw new ApiError(400, `The double serves 2nd gen functions only (environment ${String(spec.environment)})`);
  const build = spec.buildConfig ?? {};
  if (typeof build.runtime !== 'string' || !RUNTIMES.has(build.runtime)) {
    throw new ApiError(400, `Invalid runtime "${String(build.runtime)}": use one of ${[...RUNTIMES].join(', ')}`);
  }
  if (typeof build.entryPoint !== 'string' || build.entryPoint === '') throw new ApiError(400, 'buildConfig.entryPoint is required');
  const service = spec.serviceConfig ?? {};
  if (service.availableMemory !== undefined) {
    const bytes = quantity(String(service.availableMemory));
    if (bytes === undefined || bytes < 128 * MEBIBYTE || bytes > 32 * 1024 * MEBIBYTE) {
      throw new ApiError(400, `Invalid value for serviceConfig.availableMemory: ${String(service.availableMemory)}`);
    }
  }
  const timeout = service.timeoutSeconds;
  if (timeout !== undefined && (typeof timeout !== 'number' || timeout < 1 || timeout > 3600)) {
    throw new ApiError(400, `Invalid value for serviceConfig.timeoutSeconds: ${String(timeout)}`);
  }
  const ingressSettings = service.ingressSettings === undefined ? undefined : enumName('ingressSettings', service.ingressSettings);
  return { ...spec, environment, serviceConfig: { ...service, ...(ingressSettings ? { ingressSettings } : {}) } };
}

function quantity(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(k|M|G|Ki|Mi|Gi)?$/.exec(text);
  return match ? Number(match[1]) * (MEMORY_UNITS[match[2] ?? ''] ?? Number.NaN) : undefined;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new ApiError(400, 'Invalid JSON payload received.');
  }
}
