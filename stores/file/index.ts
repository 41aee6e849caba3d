export { FileEventStream } from './event-stream.js';
export { StoreFileError } from './lines.js';
export { StoreLockedError } from './lock.js';
export { FileWorkspaceStore } from './workspace-store.js';
export { DEFAULT_LOG_DIR, FileWorkflowLog } from './workflow-log.js';
