import type { Attempt, Invocation } from '../invocation.js';

/**
 * The attempt that decided the invocation's status: for a success, the attempt that succeeded
 * (with speculation, the losing twin is recorded after it); otherwise the last attempt.
 */
export function finalAttempt(invocation: Invocation): Attempt | undefined {
  const attempts = invocation.attempts;
  if (invocation.status === 'succeeded') {
    for (let i = attempts.length - 1; i >= 0; i--) {
      if (attempts[i]!.errorClass === undefined) return attempts[i];
    }
  }
  return attempts[attempts.length - 1];
}

/** Speculative copies among the attempts: they are not retries. */
export function speculativeAttempts(invocation: Invocation): number {
  let count = 0;
  for (const attempt of invocation.attempts) if (attempt.speculative) count++;
  return count;
}
