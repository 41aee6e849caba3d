import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';

/**
 * Writes text to a stream as it comes, honouring backpressure: once the stream says it is full,
 * further text waits, joined into one chunk, until it drains. Events cannot wait, so a disk slower
 * than the run holds only the lines not yet written, never the whole run.
 */
export class LineSink {
  readonly #stream: Writable;
  readonly #ownsStream: boolean;
  #waiting: string[] = [];
  #draining = false;
  #error: Error | undefined;
  #closed: Promise<void> | undefined;

  /** A path opens (and truncates) a file that `close()` closes; a stream is ended by `close()` too. */
  constructor(target: string | Writable) {
    this.#ownsStream = typeof target === 'string';
    this.#stream = typeof target === 'string' ? createWriteStream(target) : target;
    this.#stream.on('error', (error: Error) => {
      this.#error ??= error;
    });
  }

  write(text: string): void {
    if (this.#error || this.#closed) return;
    if (this.#draining) {
      this.#waiting.push(text);
      return;
    }
    if (!this.#stream.write(text)) {
      this.#draining = true;
      this.#stream.once('drain', this.#onDrain);
    }
  }

  /** Writes what waits, ends the stream and resolves once it is flushed; rejects with a write error. */
  close(): Promise<void> {
    this.#closed ??= this.#finish();
    return this.#closed;
  }

  readonly #onDrain = (): void => {
    this.#draining = false;
    const text = this.#waiting.join('');
    this.#waiting = [];
    if (text) this.write(text);
  };

  async #finish(): Promise<void> {
    if (this.#error) throw this.#error;
    const rest = this.#waiting.join('');
    this.#waiting = [];
    this.#stream.off('drain', this.#onDrain);
    const done = once(this.#stream, this.#ownsStream ? 'close' : 'finish');
    this.#stream.end(rest);
    await done;
    if (this.#error) throw this.#error;
  }
}
