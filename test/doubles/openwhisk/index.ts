export type { Action, Activation } from './entities.js';
export type { Fault, FaultTarget } from './faults.js';
export type { RequestRecord } from './http.js';
export { InstantRunner } from './instant-runner.js';
export { OpenWhiskDouble, type OpenWhiskDoubleOptions } from './server.js';
export type { ActionRunner } from './state.js';
