import type { EventStream, FalcoEvent } from '../../stores/index.js';

/** Every event in a stream, oldest first, read through a consumer group of its own. */
export async function readAllEvents(stream: EventStream, group = 'test-reader'): Promise<FalcoEvent[]> {
  const reader = await stream.consumer(group, 'test', { start: '0' });
  const events: FalcoEvent[] = [];
  for (let batch = await reader.read({ blockMs: 0, max: 1000 }); batch.length > 0; batch = await reader.read({ blockMs: 0, max: 1000 })) {
    events.push(...batch.map((delivery) => delivery.event));
  }
  return events;
}
