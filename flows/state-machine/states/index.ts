import type { ActionDefinition } from '../../triggers/types.js';
import type { StateOptions } from '../runtime.js';
import { choiceAction } from './choice.js';
import { mapAction } from './map.js';
import { parallelAction } from './parallel.js';
import { passAction } from './pass.js';
import { taskAction } from './task.js';
import { failAction, succeedAction } from './terminal.js';
import { waitAction } from './wait.js';

/** The actions of the eight state types, `stateMachine.<type>`, registered with a run's engine. */
export const stateActions: readonly ActionDefinition<StateOptions>[] = [passAction, taskAction, choiceAction, waitAction, succeedAction, failAction, parallelAction, mapAction];
