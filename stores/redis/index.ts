export { openRedis, parseRedisUrl, RedisUnavailableError, runKey, safeUrl, workspaceKey, type RedisClient, type RedisConnectionOptions } from './connection.js';
export { deadKey, RedisEventStream } from './event-stream.js';
export { RedisWorkspaceStore } from './workspace-store.js';
export { RedisJournal } from './journal.js';
export { RedisStateManager, stateKey } from './state.js';
