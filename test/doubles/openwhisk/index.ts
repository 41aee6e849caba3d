export type { Action, Activation } from './entities.js';
export type { Fault, FaultTarget } from './faults.js';
export type { RequestRecord } from './http.js';
export { OpenWhiskDouble, type OpenWhiskDoubleOptions } from './server.js';
