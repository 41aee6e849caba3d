import type { Json, WorkspaceStore } from '../../../stores/ports/workspace.js';
import type { WorkflowHeader } from '../../tasks/record.js';
import { RecordStore } from './record-store.js';
import type { StateProgress } from './state-machine-progress.js';

/** The workspace state-machine runs are recorded in, unless told otherwise. */
export const DEFAULT_STATE_MACHINE_WORKSPACE = 'falco-state-machines';

/** Published to a run's workspace to stop it: whoever hosts the run stops it and records it `terminated`. */
export const TERMINATE_REQUESTED = 'falco.workflow.terminate.requested';

/** A state-machine run as it is recorded: its definition, where it stands, and each state's progress. */
export interface MachineRun extends WorkflowHeader {
  definition: Json;
  nodeOf: Record<string, string>;
  waits: string[];
  states: Record<string, StateProgress>;
  /** The last event of the run's workspace applied to `states`: one delivered again after a crash is not counted twice. */
  followedThrough?: string;
  /** Its workspace was removed once it ended; until then, a host removes it (one that stopped in between left it). */
  workspaceRemoved?: boolean;
}

export function openMachineRecords(store: WorkspaceStore, workspace: string | undefined): Promise<RecordStore<MachineRun>> {
  return RecordStore.open<MachineRun>(store, workspace ?? DEFAULT_STATE_MACHINE_WORKSPACE);
}
