import { startMoto } from '../../doubles/moto.js';
import { MotoEnv } from '../lambda/moto-env.js';
import type { ContractSubject } from './subject.js';

const MOTO_RUNS_NO_CODE = "moto runs no code without Docker (it echoes the payload); the mapping is tested against lambda/fake-lambda-api.ts in lambda/invoke-errors.test.ts";

export const lambda: ContractSubject = {
  name: 'lambda',
  cannot: {
    functionError: MOTO_RUNS_NO_CODE,
    timeout: MOTO_RUNS_NO_CODE,
    deploymentError: MOTO_RUNS_NO_CODE,
    throttled: 'moto never throttles; see lambda/invoke-errors.test.ts',
    droppedConnection: 'moto cannot drop a connection; see lambda/invoke-errors.test.ts',
    callAfterRemove: 'moto echoes a call to a deleted function as to a live one (Lambda answers ResourceNotFoundException; see lambda/invoke-errors.test.ts)',
    submitPoll: "the adapter makes blocking calls only (Lambda's Event invocations return no result to poll)",
  },
  congestion: { kind: 'aimd', max: 1_000 },
  async start() {
    const moto = await startMoto();
    const env = new MotoEnv(moto);
    return {
      platform: env.platform(),
      cleanupOptions: env.connection,
      async stop() {
        await env.close();
        await moto.stop();
      },
    };
  },
};
