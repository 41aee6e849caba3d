import type { z } from 'zod';
import type { TriggerSpec } from '../../stores/ports/workspace.js';
import { DuplicateRegistrationError, TriggerDefinitionError } from './errors.js';
import type { ActionDefinition, ConditionDefinition } from './types.js';

/** A trigger checked against the registry: its condition and action found, their options parsed. */
export interface ResolvedTrigger {
  readonly spec: TriggerSpec;
  readonly condition: ConditionDefinition<unknown>;
  readonly conditionOptions: unknown;
  readonly action: ActionDefinition<unknown>;
  readonly actionOptions: unknown;
}

/**
 * The named conditions and actions triggers may use. Triggers carry names and JSON options, never
 * code: what runs is what this process registered. `createRegistry()` starts with the built-ins.
 */
export class Registry {
  readonly #conditions = new Map<string, ConditionDefinition<unknown>>();
  readonly #actions = new Map<string, ActionDefinition<unknown>>();

  condition<O>(definition: ConditionDefinition<O>): this {
    add(this.#conditions, 'condition', definition as ConditionDefinition<unknown>);
    return this;
  }

  action<O>(definition: ActionDefinition<O>): this {
    add(this.#actions, 'action', definition as ActionDefinition<unknown>);
    return this;
  }

  conditionNames(): string[] {
    return [...this.#conditions.keys()];
  }

  actionNames(): string[] {
    return [...this.#actions.keys()];
  }

  /** Finds the trigger's condition and action and parses their options; a `TriggerDefinitionError` names what is wrong. */
  resolve(spec: TriggerSpec): ResolvedTrigger {
    const condition = this.#conditions.get(spec.condition.name);
    if (!condition) throw unknown(spec, 'condition', spec.condition.name, this.conditionNames());
    const action = this.#actions.get(spec.action.name);
    if (!action) throw unknown(spec, 'action', spec.action.name, this.actionNames());
    return {
      spec,
      condition,
      conditionOptions: parse(spec, 'condition', condition.name, condition.options, spec.condition.options),
      action,
      actionOptions: parse(spec, 'action', action.name, action.options, spec.action.options),
    };
  }
}

function add<D extends { readonly name: string }>(map: Map<string, D>, kind: string, definition: D): void {
  if (typeof definition.name !== 'string' || definition.name.length === 0) {
    throw new DuplicateRegistrationError(`a ${kind} needs a non-empty name`);
  }
  if (map.has(definition.name)) {
    throw new DuplicateRegistrationError(`a ${kind} named "${definition.name}" is already registered: pick another name`);
  }
  map.set(definition.name, definition);
}

function unknown(spec: TriggerSpec, kind: string, name: string, known: string[]): TriggerDefinitionError {
  return new TriggerDefinitionError(
    `trigger "${spec.id}": no ${kind} named "${name}" is registered; use one of ${known.join(', ')} or register it with registry.${kind}({ name: "${name}", ... })`,
  );
}

function parse(spec: TriggerSpec, kind: string, name: string, schema: z.ZodType<unknown>, options: unknown): unknown {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'options'}: ${issue.message}`);
  throw new TriggerDefinitionError(`trigger "${spec.id}": the options of ${kind} "${name}" are wrong: ${problems.join('; ')}`);
}
