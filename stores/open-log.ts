import { join } from 'node:path';
import { ConfigError } from '../src/errors.js';
import { DEFAULT_LOG_DIR } from './file/workflow-log.js';
import { MemoryWorkflowLog } from './memory/workflow-log.js';
import type { WorkflowLog } from './ports/workflow-log.js';

/**
 * Opens the workflow log beside the workspace store a URL names (see `openStore`): the same Redis
 * server, `DIR/workflow-logs` for `file:DIR` (`.falco/workflows` by default), or memory.
 */
export async function openWorkflowLog(url?: string): Promise<WorkflowLog> {
  if (url === undefined || url === '' || url.startsWith('file:')) {
    const dir = url ? url.slice('file:'.length).replace(/^\/\/(?=\/)/, '') : '';
    return new (await import('./file/workflow-log.js')).FileWorkflowLog({ dir: dir ? join(dir, 'workflow-logs') : DEFAULT_LOG_DIR });
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return new (await import('./redis/workflow-log.js')).RedisWorkflowLog({ url });
  if (url === 'memory:') return new MemoryWorkflowLog();
  throw new ConfigError(`unknown store "${url.split(':')[0]}:": use redis://host:port, file:DIR or memory:`);
}
