/**
 * Submits one request of the `counted` pipeline to its function and exits at once, as a driver
 * that does not wait would. Arguments: STORE_URL STATE_URL REQUEST_ID; the secret in FALCO_TEST_SECRET.
 */
import { openStateManager, openStore } from '../../../stores/index.js';
import { counted } from './function-pipeline.js';

const [storeUrl, stateUrl, requestId] = process.argv.slice(2) as [string, string, string];
const store = await openStore(storeUrl);
const state = await openStateManager(stateUrl);
const keys = { keys: { k1: process.env.FALCO_TEST_SECRET! }, signWith: 'k1' };
await counted.submit({ n: 0 }, { state, requestId, forwarding: { function: 'falco:pipeline:counted', store, workspace: 'pipelines', keys } });
process.stdout.write(`submitted ${requestId}\n`);
await Promise.all([store.close(), state.close()]);
