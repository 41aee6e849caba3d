import { describe } from 'node:test';
import { redisUnavailable } from '../helpers/redis-server.js';
import { fileBackend, memoryBackend, redisBackend } from './backends.js';
import { guardedCheckpointContract } from './guarded-checkpoint-contract.js';

describe('named streams and guarded checkpoints: memory', () => guardedCheckpointContract(memoryBackend()));

describe('named streams and guarded checkpoints: file', () => guardedCheckpointContract(fileBackend('falco-guarded-')));

describe('named streams and guarded checkpoints: Redis', { skip: redisUnavailable() }, () => guardedCheckpointContract(redisBackend()));
