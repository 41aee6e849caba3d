export { EVENT_FIELDS, fromFields, makeEvent, MalformedEventError, type EventInit, toFields, type FalcoEvent } from './event.js';
export type { ConsumerOptions, DeadLetter, Delivery, EventConsumer, EventSink, EventStream, ReadOptions } from './event-stream.js';
