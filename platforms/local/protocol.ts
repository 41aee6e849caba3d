import { constants } from 'node:buffer';

/**
 * What an instance says to the host. Every message is JSON text: a string posted by a worker
 * thread, a frame on a process instance's pipe (see `frame`). Input and output travel as JSON,
 * as on a FaaS. The host sends each call's arguments the same way, as the JSON text of the arguments.
 */

/** The first message of every instance: the action loaded, or why it did not. */
export type InitMessage = { readonly init: true } | { readonly init: false; readonly message: string };

export type Reply = Success | Failure;

interface Measured {
  /** When main began, in milliseconds of CLOCK_MONOTONIC (see `monotonicMs`). */
  readonly startedAt: number;
  /** How long main ran, measured inside the instance. */
  readonly durationMs: number;
}

export interface Success extends Measured {
  readonly ok: true;
  readonly output: unknown;
}

export interface Failure extends Measured {
  readonly ok: false;
  /** `error`: main threw; `nonjson`: its result is not JSON; `memory`: it ran out of memory. */
  readonly kind: 'error' | 'nonjson' | 'memory';
  readonly message: string;
  readonly errorType?: string | undefined;
  readonly stack?: string | undefined;
}

/**
 * Milliseconds of the machine's monotonic clock (libuv's hrtime is CLOCK_MONOTONIC, as is
 * Python's `time.monotonic_ns`): one clock for every thread and process, so instances can stamp
 * times that the host converts to falco's clock.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Bytes of the length that starts a frame: an unsigned 32-bit big-endian count of the bytes after it. */
const HEADER_BYTES = 4;

/**
 * The largest frame either side sends: the longest string this Node.js can hold, since the host
 * turns each frame into one. A process instance is told it and refuses a larger result itself.
 */
export const MAX_FRAME_BYTES = Math.min(constants.MAX_STRING_LENGTH, 2 ** 32 - 1);

/** One message to a process instance: the length, then the UTF-8 bytes of `text`, in one buffer. */
export function frame(text: string): Buffer {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_FRAME_BYTES) throw new RangeError(`a message of ${bytes} bytes is more than a frame carries (${MAX_FRAME_BYTES})`);
  const buffer = Buffer.allocUnsafe(HEADER_BYTES + bytes);
  buffer.writeUInt32BE(bytes, 0);
  buffer.write(text, HEADER_BYTES, 'utf8');
  return buffer;
}

/**
 * Cuts the bytes read from a process instance's pipe into frames. A frame's bytes are copied
 * once, into a buffer of its own size allocated when its length arrives, and handed on whole:
 * a 50 MB reply costs one copy and one decode, whatever the size of the chunks.
 */
export class FrameReader {
  readonly #onFrame: (payload: Buffer) => void;
  readonly #header = Buffer.alloc(HEADER_BYTES);
  #headerFilled = 0;
  #payload: Buffer | undefined;
  #payloadFilled = 0;

  constructor(onFrame: (payload: Buffer) => void) {
    this.#onFrame = onFrame;
  }

  /** Takes the next chunk; throws a RangeError on a length no sender of ours writes. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#payload === undefined) {
        const taken = chunk.copy(this.#header, this.#headerFilled, offset, offset + HEADER_BYTES - this.#headerFilled);
        this.#headerFilled += taken;
        offset += taken;
        if (this.#headerFilled < HEADER_BYTES) return;
        this.#headerFilled = 0;
        const length = this.#header.readUInt32BE(0);
        if (length > MAX_FRAME_BYTES) throw new RangeError(`a frame of ${length} bytes is more than the protocol allows (${MAX_FRAME_BYTES})`);
        if (chunk.length - offset >= length) {
          // The whole frame is in this chunk: hand it on without a copy.
          const payload = chunk.subarray(offset, offset + length);
          offset += length;
          this.#onFrame(payload);
          continue;
        }
        this.#payload = Buffer.allocUnsafe(length);
        this.#payloadFilled = 0;
      }
      const taken = chunk.copy(this.#payload, this.#payloadFilled, offset);
      this.#payloadFilled += taken;
      offset += taken;
      if (this.#payloadFilled === this.#payload.length) {
        const payload = this.#payload;
        this.#payload = undefined;
        this.#onFrame(payload);
      }
    }
  }
}
