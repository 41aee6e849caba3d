import { ConfigError } from '../src/errors.js';
import { importModule } from './import-module.js';

/**
 * The simulated platform runs a `handler` function instead of echoing its input; JSON cannot carry
 * a function, so on the command line `--platform-options '{"handler":"./handler.js"}'` names a
 * module (resolved from the working directory) whose default export, or else `main`, is that function.
 */
export async function withSimulatedHandler(platform: string, options: Record<string, unknown>): Promise<Record<string, unknown>> {
  const path = options.handler;
  if (platform !== 'simulated' || typeof path !== 'string') return options;
  const what = '--platform-options: the handler module';
  const module = await importModule(path, what);
  const handler = typeof module.default === 'function' ? module.default : module.main;
  if (typeof handler !== 'function') {
    throw new ConfigError(`${what} "${path}" exports no function: export the handler (input => output) as its default export or as main`);
  }
  return { ...options, handler };
}
