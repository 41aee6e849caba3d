export { MemoryEventStream } from './event-stream.js';
