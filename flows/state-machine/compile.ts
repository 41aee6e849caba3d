import type { Json, JsonObject, TriggerSpec } from '../../stores/ports/workspace.js';
import { invocationResults } from '../builders/invocations.js';
import type { Machine, State } from './definition.js';
import { SM_EVENT_PREFIX } from './events.js';
import { actionName, type StateOptions } from './runtime.js';
import { parseStateMachine } from './validate.js';

export interface CompiledStateMachine {
  /** One persistent trigger per state, `s0`, `s1`, ... depth first. */
  readonly triggers: readonly TriggerSpec[];
  /** The trigger of the top-level StartAt, which the execution's first event enters. */
  readonly start: string;
}

export interface CompileOptions {
  /** The run's workspace: invocation results come back under `<workspace>/<trigger>/...`. */
  readonly workspace: string;
  /** The names a Task's `Resource` may use: the deployables registered with the run. */
  readonly resources: readonly string[];
}

/**
 * Compiles an ASL definition into triggers: each state is a trigger activated by the events
 * addressed to it (`falco.sm.*` with subject `s<n>/<token>`, and for a Task its invocations'
 * results), whose action is the state type's. Checks the definition first (`StateMachineError`).
 */
export function compileStateMachine(definition: unknown, options: CompileOptions): CompiledStateMachine {
  const checked = parseStateMachine(definition, options.resources);
  const triggers: TriggerSpec[] = [];
  let count = 0;
  const compile = (machine: Machine, scope: string, owner: string | null): string => {
    const ids = new Map(Object.keys(machine.States).map((name) => [name, `s${count++}`]));
    for (const [name, state] of Object.entries(machine.States)) {
      const id = ids.get(name)!;
      const starts = childMachines(state).map(([path, child]) => compile(child, `${scope}${name}/${path}/`, id));
      const stateOptions: StateOptions = { name: `${scope}${name}`, state: withTargets(state, ids), owner, ...(starts.length > 0 ? { starts } : {}) };
      triggers.push({
        id,
        activation: [{ type: SM_EVENT_PREFIX, subject: `${id}/`, match: 'prefix' }, ...(state.Type === 'Task' ? [invocationResults(options.workspace, id)] : [])],
        condition: { name: 'true' },
        action: { name: actionName(state.Type), options: asJson(stateOptions) },
        transient: false,
      });
    }
    return ids.get(machine.StartAt)!;
  };
  const start = compile(checked, '', null);
  return { triggers, start };
}

function childMachines(state: State): Array<[string, Machine]> {
  if (state.Type === 'Parallel') return state.Branches.map((branch, i) => [`Branches[${i}]`, branch]);
  if (state.Type === 'Map') return [[state.ItemProcessor ? 'ItemProcessor' : 'Iterator', (state.ItemProcessor ?? state.Iterator)!]];
  return [];
}

/** The state as its action needs it: state names in Next, Default and Catch replaced by trigger ids, child machines left out (they are triggers of their own). */
function withTargets(state: State, ids: ReadonlyMap<string, string>): State {
  const target = (name: string) => ids.get(name)!;
  const copy: Record<string, unknown> = { ...state };
  delete copy.Branches;
  delete copy.ItemProcessor;
  delete copy.Iterator;
  if (typeof copy.Next === 'string') copy.Next = target(copy.Next);
  if (state.Type === 'Choice') {
    copy.Choices = state.Choices.map((rule) => ({ ...rule, Next: target(rule.Next!) }));
    if (state.Default !== undefined) copy.Default = target(state.Default);
  }
  if ('Catch' in state && state.Catch) copy.Catch = state.Catch.map((catcher) => ({ ...catcher, Next: target(catcher.Next) }));
  return copy as State;
}



/** The state options are plain JSON by construction (they come from a JSON definition). */
function asJson(options: StateOptions): JsonObject {
  return options as unknown as { [key: string]: Json };
}
