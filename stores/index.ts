export * from './ports/index.js';
export * from './memory/index.js';
export { DEFAULT_STORE_DIR, openStore } from './open.js';
