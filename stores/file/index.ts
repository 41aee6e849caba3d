export { FileEventStream } from './event-stream.js';
export { StoreFileError } from './lines.js';
