import type { ErrorInfo } from '../../src/invocation.js';
import type { Timer } from '../../stores/ports/workspace.js';
import type { StartTask } from './events.js';
import { SUBFLOW_END, SUBFLOW_START } from './graph.js';

export type LatchOp = 'acquire' | 'release' | 'countdown';

/** What advancing a workflow asks to happen, written by the checkpoint that stores the advance. */
export interface StepEffects {
  startTask(task: StartTask): void;
  setTimer(timer: Timer): void;
  cancelTimer(id: string): void;
  latch(op: LatchOp, name: string, task: StartTask): void;
}

export const WAIT_KINDS = ['wait:delay', 'wait:event', 'wait:acquire', 'wait:release', 'wait:countdown'] as const;
export const isWaitKind = (kind: string) => (WAIT_KINDS as readonly string[]).includes(kind);
/** Kinds the lifecycle runs itself, with no worker: a subflow's start and end. */
export const isSubflowKind = (kind: string) => kind === SUBFLOW_START || kind === SUBFLOW_END;

export function taskError(message: string, errorClass: ErrorInfo['class'] = 'fatal'): ErrorInfo {
  return { class: errorClass, name: 'TaskError', message };
}

/** The prefix of the task kinds that invoke a falco function: `falco:<deployment>`. */
export const FALCO_KIND = 'falco:';
