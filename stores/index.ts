export * from './ports/index.js';
export * from './memory/index.js';
export * from './file/index.js';
