export { MemoryEventStream } from './event-stream.js';
export { MemoryWorkspaceStore } from './workspace-store.js';
export { MemoryWorkflowLog } from './workflow-log.js';
