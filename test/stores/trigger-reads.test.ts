import { describe } from 'node:test';
import { redisUnavailable } from '../helpers/redis-server.js';
import { fileBackend, memoryBackend, redisBackend } from './backends.js';
import { triggerReadsContract } from './trigger-reads-contract.js';

describe('reading several triggers at once: memory', () => triggerReadsContract(memoryBackend()));

describe('reading several triggers at once: file', () => triggerReadsContract(fileBackend('falco-trigger-reads-')));

describe('reading several triggers at once: Redis', { skip: redisUnavailable() }, () => triggerReadsContract(redisBackend()));
