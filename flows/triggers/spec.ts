import { z } from 'zod';
import type { TriggerSpec } from '../../stores/ports/workspace.js';
import { TriggerDefinitionError } from './errors.js';

const NAME = /^[\w.:-]{1,128}$/;

/** Workspace names: they become parts of file names and Redis keys (`{workspace}` hash tags). */
export const WORKSPACE_NAME = /^[\w.-]{1,64}$/;

const namedRef = z.object({ name: z.string().min(1), options: z.record(z.string(), z.json()).optional() }).strict();

const triggerSpec = z
  .object({
    id: z.string().regex(NAME, 'must be 1-128 letters, digits, "_", ".", ":" or "-"'),
    activation: z
      .array(z.object({ type: z.string().min(1), subject: z.string().min(1).optional(), match: z.enum(['exact', 'prefix']).optional() }).strict())
      .min(1, 'needs at least one { type, subject?, match? }: a trigger no event activates never fires'),
    condition: namedRef,
    action: namedRef,
    context: z.record(z.string(), z.json()).optional(),
    transient: z.boolean().optional(),
  })
  .strict();

/** Checks a trigger's shape (not yet its condition and action: the registry does that). */
export function parseTriggerSpec(value: unknown, at: string): TriggerSpec {
  const parsed = triggerSpec.safeParse(value);
  if (parsed.success) return parsed.data;
  const id = typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' ? `trigger "${(value as { id: string }).id}"` : at;
  const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'the trigger'}: ${issue.message}`);
  throw new TriggerDefinitionError(`${id}: ${problems.join('; ')}`);
}

export function checkWorkspaceName(workspace: string): void {
  if (typeof workspace !== 'string' || !WORKSPACE_NAME.test(workspace)) {
    throw new TriggerDefinitionError(`workspace name ${JSON.stringify(workspace)}: use 1-64 letters, digits, "_", "." or "-"`);
  }
}
