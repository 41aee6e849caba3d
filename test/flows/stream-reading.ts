import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStream, FalcoEvent } from '../../stores/index.js';

/** Every event in the stream so far, read through a group of its own (so no other group's state changes). */
export async function allEvents(stream: EventStream): Promise<FalcoEvent[]> {
  const reader = await stream.consumer(`reader-${randomUUID()}`, 'r', { start: '0' });
  return (await reader.read({ max: 100_000, blockMs: 0 })).map((d) => d.event);
}

/** The events whose type starts with `prefix` (a whole type matches itself). */
export async function eventsOfType(stream: EventStream, prefix: string): Promise<FalcoEvent[]> {
  return (await allEvents(stream)).filter((event) => event.type.startsWith(prefix));
}

/** Polls until `check` holds; a bound on the wait only, never a timing assertion. */
export async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; tries < 1200; tries++) {
    if (await check()) return;
    await sleep(25);
  }
  assert.fail(`never happened: ${what}`);
}
