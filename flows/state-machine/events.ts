/**
 * The events a compiled state machine runs on. Each state is one trigger, `s<n>`; every event
 * meant for it has the subject `s<n>/<token>`, where the token names one run of the state's
 * machine: `0` for the execution, `<parent>.<seq>_<index>` for a Parallel branch or a Map
 * iteration started by the parent's entry number `seq`.
 */
export const SM_EVENT_PREFIX = 'falco.sm.';
/** A state is entered: `data.input`. */
export const ENTER = 'falco.sm.enter';
/** A Wait's timer is due, or a Retry's interval has passed: `data.seq` names the entry it belongs to. */
export const WAKE = 'falco.sm.wake';
export const RETRY = 'falco.sm.retry';
/** A branch or iteration ended: `data.child` is the last segment of its token. */
export const BRANCH_SUCCEEDED = 'falco.sm.branch.succeeded';
export const BRANCH_FAILED = 'falco.sm.branch.failed';

export const TOP_TOKEN = '0';

export function subjectOf(stateId: string, token: string): string {
  return `${stateId}/${token}`;
}

/** The token in a `s<n>/<token>` subject. */
export function tokenOf(subject: string | undefined): string {
  return subject === undefined ? '' : subject.slice(subject.indexOf('/') + 1);
}

export function childToken(parent: string, seq: number, index: number): string {
  return `${parent}.${seq}_${index}`;
}

/** A child token's parent and the entry (`seq`) and branch or item (`index`) it was started for. */
export function splitToken(token: string): { readonly parent: string; readonly seq: number; readonly index: number } {
  const dot = token.lastIndexOf('.');
  const [seq, index] = token.slice(dot + 1).split('_').map(Number);
  return { parent: token.slice(0, dot), seq: seq!, index: index! };
}
