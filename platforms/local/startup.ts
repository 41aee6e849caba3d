import { DeploymentError } from '../../src/errors.js';
import type { Crash } from './instance.js';
import type { InitMessage } from './protocol.js';

/**
 * The start of one instance, as every kind of instance has it: pending from `begin` until the
 * runner's init message says the action loaded (or why not), the instance ends, or it is killed.
 */
export class Startup {
  readonly #name: string;
  #pending: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(name: string) {
    this.#name = name;
  }

  begin(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
    });
  }

  get pending(): boolean {
    return this.#pending !== undefined;
  }

  /** The first message arrived: `init` when it is the runner's; if not, `otherwise` says what it was instead. */
  init(init: InitMessage | undefined, otherwise = (): string => "its first message is not the runner's"): void {
    const pending = this.#take();
    if (init?.init) pending?.resolve();
    else pending?.reject(new DeploymentError(`function "${this.#name}" cannot start: ${init?.message ?? otherwise()}`));
  }

  /** The instance ended by itself; true when that was while it started, so the start failed (and not a call). */
  ended(crash: Crash): boolean {
    const pending = this.#take();
    pending?.reject(new DeploymentError(`function "${this.#name}" cannot start: ${crash.message}`, { cause: crash.cause }));
    return pending !== undefined;
  }

  killed(): void {
    this.#take()?.reject(new DeploymentError(`an instance of function "${this.#name}" was ended while starting`));
  }

  #take(): { resolve: () => void; reject: (error: Error) => void } | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    return pending;
  }
}
