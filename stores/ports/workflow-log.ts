/** One entry of a workflow's event log: plain JSON data, its `kind` first (`started`, `call`, `result`, ...). */
export type LogRecord = { readonly kind: string; readonly [field: string]: unknown };

/**
 * Where a workflow-as-code run keeps its event log: what it scheduled and what came back, in
 * order. The coordinator is rebuilt by reading it from the top. Backends: `MemoryWorkflowLog`,
 * `FileWorkflowLog` (a JSON-lines file per run, appended and synced), `RedisWorkflowLog` (a stream per run).
 */
export interface WorkflowLog {
  /** Appends the records in order, in one step where the backend can; resolves once they are durable. */
  append(run: string, records: readonly LogRecord[]): Promise<void>;
  /** Every record of the run, oldest first; none for a run never written. */
  read(run: string): Promise<LogRecord[]>;
  /** The runs that have a log. */
  list(): Promise<string[]>;
  /**
   * How many records each run's log holds, every run in one read: a reader that keeps what it
   * read (the console) rereads only the runs that grew. Optional; without it readers reread.
   */
  sizes?(): Promise<ReadonlyMap<string, number>>;
  /** The run's records from the `from`-th on (0 is the first): what a reader holding `from` records has not read. Optional, as `sizes`. */
  readFrom?(run: string, from: number): Promise<LogRecord[]>;
  delete(run: string): Promise<void>;
  close(): Promise<void>;
}
