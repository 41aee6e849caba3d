/** The requests a fault may hit. */
export type FaultTarget = 'invoke' | 'activation' | 'deploy' | 'any';

export type Fault =
  /**
   * Answer with this status (and headers, body) instead of serving the request; with
   * `afterServing`, serve it first, as a gateway that gave up after the server had acted.
   */
  | {
      readonly type: 'status';
      readonly status: number;
      readonly headers?: Record<string, string>;
      readonly body?: string | object;
      readonly on?: FaultTarget;
      readonly times?: number;
      readonly afterServing?: boolean;
    }
  /** Close the connection without an answer, as a proxy that dropped it. */
  | { readonly type: 'reset'; readonly on?: FaultTarget; readonly times?: number }
  /** A blocking invoke answers 202 with its activation id at once; the action runs on. */
  | { readonly type: 'cutOff'; readonly times?: number }
  /** The activation waits this long before it runs (a queue in front of a busy invoker). */
  | { readonly type: 'delay'; readonly ms: number; readonly times?: number };

interface Armed {
  readonly fault: Fault;
  left: number;
}

/** Faults armed for the next matching requests, each for `times` requests (default 1). */
export class Faults {
  readonly #armed: Armed[] = [];

  add(fault: Fault): void {
    this.#armed.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.#armed.length = 0;
  }

  /** Takes one use of the first armed fault of this type that applies to the request. */
  take<T extends Fault['type']>(type: T, target: FaultTarget): Extract<Fault, { type: T }> | undefined {
    const index = this.#armed.findIndex(({ fault }) => fault.type === type && appliesTo(fault, target));
    const armed = this.#armed[index];
    if (!armed) return undefined;
    if (--armed.left <= 0) this.#armed.splice(index, 1);
    return armed.fault as Extract<Fault, { type: T }>;
  }
}

function appliesTo(fault: Fault, target: FaultTarget): boolean {
  if (fault.type !== 'status' && fault.type !== 'reset') return target === 'invoke';
  const on = fault.on ?? 'invoke';
  return on === 'any' || on === target;
}
