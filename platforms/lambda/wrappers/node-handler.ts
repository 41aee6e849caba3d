/**
 * The Lambda handler shipped in every Node.js function's zip, as `falco_handler.mjs`. It loads the
 * user's action with falco's shared loader (shipped next to it as `falco_loader.mjs`), merges the
 * deployment's params under the event, and turns a returned `{ error }` into a thrown error, so
 * that Lambda reports a FunctionError as OpenWhisk would report an application error.
 */
export const NODE_HANDLER = `import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadEntry } from './falco_loader.mjs';

const config = JSON.parse(readFileSync(new URL('./falco.json', import.meta.url), 'utf8'));
const main = await loadEntry(fileURLToPath(new URL(config.entryFile, import.meta.url)), config.entryPoint);

class ActionError extends Error {
  name = 'ActionError';
}

function withParams(event) {
  if (event === undefined || event === null) return { ...config.params };
  if (typeof event !== 'object' || Array.isArray(event)) return event;
  return { ...config.params, ...event };
}

function messageOf(error) {
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object' && typeof error.message === 'string') return error.message;
  return JSON.stringify(error);
}

export async function handler(event) {
  const result = await main(withParams(event));
  if (result !== null && typeof result === 'object' && 'error' in result) throw new ActionError(messageOf(result.error));
  return result;
}
`;
