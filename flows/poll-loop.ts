import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `look` every `pollMs`, and at once when poked, until stopped: the loop of a watch that sees
 * the changes of every process sharing a store. A look that fails is a warning; the next one runs.
 */
export class PollLoop {
  readonly #look: () => Promise<void>;
  readonly #pollMs: number;
  readonly #stop = new AbortController();
  #poked: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(look: () => Promise<void>, pollMs: number) {
    this.#look = look;
    this.#pollMs = pollMs;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  poke(): void {
    this.#poked?.();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#poked?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const poked = new Promise<void>((resolve) => (this.#poked = resolve));
      await Promise.race([sleep(this.#pollMs, undefined, { signal }).catch(() => {}), poked]);
      if (signal.aborted) return;
      try {
        await this.#look();
      } catch (error) {
        process.emitWarning(`falco: watching workflows: ${String(error)}`);
      }
    }
  }
}
