import type { LogRecord, WorkflowLog } from '../ports/workflow-log.js';

/** A workflow log that lives as long as this process; it hands out and keeps copies, as a durable one would. */
export class MemoryWorkflowLog implements WorkflowLog {
  readonly #runs = new Map<string, LogRecord[]>();

  async append(run: string, records: readonly LogRecord[]): Promise<void> {
    const log = this.#runs.get(run) ?? [];
    log.push(...structuredClone(records));
    this.#runs.set(run, log);
  }

  async read(run: string): Promise<LogRecord[]> {
    return structuredClone(this.#runs.get(run) ?? []);
  }

  async sizes(): Promise<ReadonlyMap<string, number>> {
    return new Map([...this.#runs].map(([run, log]) => [run, log.length]));
  }

  async readFrom(run: string, from: number): Promise<LogRecord[]> {
    return structuredClone((this.#runs.get(run) ?? []).slice(from));
  }

  async list(): Promise<string[]> {
    return [...this.#runs.keys()].sort();
  }

  async delete(run: string): Promise<void> {
    this.#runs.delete(run);
  }

  async close(): Promise<void> {}
}
