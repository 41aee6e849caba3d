import { describe } from 'node:test';
import { EmbeddedState, MemoryStateManager } from '../../stores/index.js';
import { stateManagerContract } from './state-contract.js';

describe('state manager contract: memory', () => {
  stateManagerContract({ open: async () => new MemoryStateManager() });
});

describe('state manager contract: embedded', () => {
  stateManagerContract({ open: async () => new EmbeddedState() });
});
