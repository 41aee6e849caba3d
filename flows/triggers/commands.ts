import { z } from 'zod';
import { deployable, type Deployable } from '../../src/deployable.js';
import { ConfigError } from '../../src/errors.js';

/** The command an `invoke` action appends to the workspace's command stream for action workers. */
export const INVOKE_COMMAND_TYPE = 'falco.command.invoke';

/**
 * A function to deploy, as JSON: code is source text or a path on the worker's machine, never a
 * serialised function. The same options as `deployable()`, without zip code.
 */
export const deployableSpec = z
  .object({
    runtime: z.string(),
    code: z.union([z.object({ source: z.string() }).strict(), z.object({ file: z.string() }).strict(), z.object({ dir: z.string() }).strict()]),
    entryPoint: z.string().optional(),
    entryFile: z.string().optional(),
    memoryMB: z.number().optional(),
    timeoutMs: z.number().optional(),
    name: z.string().optional(),
    params: z.record(z.string(), z.json()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    maxInstances: z.number().optional(),
    idempotent: z.boolean().optional(),
  })
  .strict()
  .superRefine((spec, context) => {
    try {
      deployable(spec);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      context.addIssue({ code: 'custom', message: error.message });
    }
  });

export type DeployableSpec = z.output<typeof deployableSpec>;

export function toDeployable(spec: DeployableSpec): Deployable {
  return deployable(spec);
}

/** What to invoke: a deployable carried as data, or the name of a deployment the worker already knows. */
export const invokeTarget = z.union([
  z.object({ deployable: deployableSpec, deployment: z.undefined().optional() }),
  z.object({ deployment: z.string().min(1), deployable: z.undefined().optional() }),
]);

export const invokeCommand = z.intersection(
  invokeTarget,
  z.object({
    workspace: z.string().min(1),
    trigger: z.string().min(1),
    /** Names this invocation within the trigger's firing: the entry id, with `.<index>` per item of a `forEach`. */
    key: z.string().min(1),
    /** `<workspace>/<trigger>/<key>`: the same when the command is re-done, so the function can act once. */
    idempotencyKey: z.string().min(1),
    input: z.json(),
    /** The workspace whose event stream gets the result event. */
    reportTo: z.string().min(1),
  }),
);

export type InvokeCommand = z.output<typeof invokeCommand>;

/** The event types an action worker publishes when an invocation ends. */
export const INVOCATION_SUCCEEDED = 'falco.invocation.succeeded';
export const INVOCATION_FAILED = 'falco.invocation.failed';
