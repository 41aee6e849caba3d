import { describe } from 'node:test';
import { redisUnavailable } from '../helpers/redis-server.js';
import { fileBackend, redisBackend } from './backends.js';
import { workspaceStoreContract } from './workspace-store-contract.js';

describe('workspace store contract: file', () => workspaceStoreContract(fileBackend('falco-file-store-')));

describe('workspace store contract: Redis', { skip: redisUnavailable() }, () => workspaceStoreContract(redisBackend()));
