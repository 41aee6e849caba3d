export * from './ports/index.js';
export * from './memory/index.js';
export * from './file/index.js';
export { DEFAULT_STORE_DIR, openStore } from './open.js';
export { MemoryStateManager } from './state/memory.js';
export { DEFAULT_EMBEDDED_MAX_BYTES, EmbeddedState, StateTooLargeError, type EmbeddedStateOptions } from './state/embedded.js';
export { DEFAULT_STATE_DIR, FileStateManager, type FileStateOptions } from './state/file.js';
export { openStateManager } from './state/open.js';
