import { dagCollectAction } from '../dag/collect-action.js';
import { dagEndAction } from '../dag/end-action.js';
import { dagTaskJoin } from '../dag/join.js';
import { dagTaskAction } from '../dag/task-action.js';
import { stateActions } from '../state-machine/states/index.js';
import { createRegistry } from '../triggers/builtins.js';
import type { Registry } from '../triggers/registry.js';
import type { ActionDefinition } from '../triggers/types.js';

/**
 * Adds what compiled DAGs and state machines run on to a registry (the built-ins' by default):
 * the `dagTaskJoin` condition, the `dagTask`, `dagCollect`, `dagEnd` actions and one
 * `stateMachine.<type>` action per state type. Names already registered are left as they are,
 * so a registry can be given to several runs.
 */
export function withBuilders(registry: Registry = createRegistry()): Registry {
  if (!registry.conditionNames().includes(dagTaskJoin.name)) registry.condition(dagTaskJoin);
  const known = registry.actionNames();
  const add = <O>(action: ActionDefinition<O>) => known.includes(action.name) || registry.action(action);
  add(dagTaskAction);
  add(dagCollectAction);
  add(dagEndAction);
  stateActions.forEach(add);
  return registry;
}
