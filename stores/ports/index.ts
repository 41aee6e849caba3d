export { EVENT_FIELDS, fromFields, makeEvent, MalformedEventError, type EventInit, toFields, type FalcoEvent } from './event.js';
export type { ConsumerOptions, DeadLetter, Delivery, EventConsumer, EventSink, EventStream, ReadOptions } from './event-stream.js';
export {
  CheckpointConflictError,
  WorkspaceNotFoundError,
  type Checkpoint,
  type EventFilter,
  type Json,
  type JsonObject,
  type NamedRef,
  type StreamAck,
  type Timer,
  type TriggerRecord,
  type TriggerSpec,
  type WorkspaceStore,
} from './workspace.js';
export type { StateManager } from './state.js';
export type { LogRecord, WorkflowLog } from './workflow-log.js';
