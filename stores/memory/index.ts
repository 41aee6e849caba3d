export { MemoryEventStream } from './event-stream.js';
export { MemoryWorkspaceStore } from './workspace-store.js';
