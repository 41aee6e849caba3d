export * from './ports/index.js';
export * from './memory/index.js';
export * from './file/index.js';
export { DEFAULT_STORE_DIR, openStore } from './open.js';
export { openWorkflowLog } from './open-log.js';
