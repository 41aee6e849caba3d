import type { Json } from '../../../stores/ports/workspace.js';
import { BRANCH_FAILED, BRANCH_SUCCEEDED, childToken, ENTER, RETRY, splitToken } from '../events.js';
import { entries, enter, nextSeq, recover, retried, stateAction, stateOutput, tokenOfCall, transition, type Recoverable, type StateCall } from '../runtime.js';
import { dataOf, inputOf } from './input.js';

interface FanOutEntry extends Recoverable {
  /** Each child's input, in order. */
  inputs: Json[];
  /** How many children were started, and how many ended. */
  started: number;
  ended: number;
  /** The children's outputs by index. */
  results: { [index: string]: Json };
}

export interface FanOut {
  /** The children's inputs for an entry: one per Parallel branch, one per Map item. */
  readonly inputs: (call: StateCall, input: Json) => Json[];
  /** The first state of child `index`. */
  readonly startOf: (call: StateCall, index: number) => string;
  /** How many children may run at once (0: all). */
  readonly concurrency: (call: StateCall) => number;
}

/**
 * Parallel and Map: start a machine run per child (a branch, an item) under a child token, at
 * most `concurrency` at once; collect their outputs in order; go on when all ended, or fail with
 * the first child's failure. Children of an earlier entry (before a retry, or of a run a Catch
 * left) carry another `seq` in their token and are ignored.
 */
export function fanOutAction(type: 'Parallel' | 'Map', fanOut: FanOut) {
  return stateAction(type, (call) => {
    const token = tokenOfCall(call);
    const type = call.event.type;
    if (type === ENTER) {
      const input = inputOf(call);
      const entry: FanOutEntry = { input, seq: 0, retries: [], waiting: false, inputs: fanOut.inputs(call, input), started: 0, ended: 0, results: {} };
      entries<FanOutEntry>(call)[token] = entry;
      begin(call, token, entry, fanOut);
      return;
    }
    if (type === RETRY) {
      const entry = retried<FanOutEntry>(call, token);
      if (entry) begin(call, token, entry, fanOut);
      return;
    }
    const entry = entries<FanOutEntry>(call)[token];
    if (!entry || entry.waiting || (type !== BRANCH_SUCCEEDED && type !== BRANCH_FAILED)) return;
    const data = dataOf(call);
    const { seq, index } = splitToken(`${token}.${String(data.child)}`);
    if (seq !== entry.seq || String(index) in entry.results) return;
    if (type === BRANCH_FAILED) {
      recover(call, token, entry, { error: String(data.error), cause: String(data.cause ?? '') });
      return;
    }
    entry.results[index] = data.output ?? null;
    entry.ended += 1;
    if (entry.started < entry.inputs.length) startChild(call, token, entry, fanOut);
    if (entry.ended === entry.inputs.length) finish(call, token, entry);
  });
}

/** A new entry number (so children of an earlier try are told apart), then the first window of children. */
function begin(call: StateCall, token: string, entry: FanOutEntry, fanOut: FanOut): void {
  entry.seq = nextSeq(call);
  entry.started = 0;
  entry.ended = 0;
  entry.results = {};
  if (entry.inputs.length === 0) {
    finish(call, token, entry);
    return;
  }
  const limit = fanOut.concurrency(call) || entry.inputs.length;
  while (entry.started < Math.min(limit, entry.inputs.length)) startChild(call, token, entry, fanOut);
}

function startChild(call: StateCall, token: string, entry: FanOutEntry, fanOut: FanOut): void {
  const index = entry.started++;
  enter(call, fanOut.startOf(call, index), childToken(token, entry.seq, index), entry.inputs[index]!);
}

function finish(call: StateCall, token: string, entry: FanOutEntry): void {
  delete entries(call)[token];
  const outputs = entry.inputs.map((_, index) => entry.results[index] ?? null);
  transition(call, token, stateOutput(call, entry.input, outputs));
}
