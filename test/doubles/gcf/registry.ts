import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startHost } from './host.js';
import {
  EMPTY_TYPE,
  FUNCTION_TYPE,
  functionJson,
  operationName,
  timestamp,
  type FunctionRecord,
  type FunctionSpec,
  type OperationRecord,
} from './model.js';
import { unzip } from './unzip.js';

/** How much of a failed instance's log the operation's error quotes. */
const LOG_TAIL_CHARS = 1_500;

/**
 * The double's functions and operations. Creating a function starts its build and rollout in the
 * background (unpack the zip, start an instance process); deleting stops the instance. Both
 * answer at once with an operation that is done when the work is.
 */
export class Registry {
  readonly functions = new Map<string, FunctionRecord>();
  readonly operations = new Map<string, OperationRecord>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #root: string;
  readonly #uriOf: (record: FunctionRecord) => string;

  constructor(root: string, uriOf: (record: FunctionRecord) => string) {
    this.#root = root;
    this.#uriOf = uriOf;
  }

  create(location: string, id: string, spec: FunctionSpec, zip: Buffer): OperationRecord {
    const now = timestamp();
    const record: FunctionRecord = {
      id,
      resource: `${location}/functions/${id}`,
      location,
      spec,
      zip,
      createTime: now,
      updateTime: now,
      state: 'DEPLOYING',
      inFlight: 0,
      faults: [],
    };
    this.functions.set(record.resource, record);
    const op = this.#operation(location, 'create', record.resource, { ...spec, name: record.resource });
    this.#run(this.#deploy(record, op));
    return op;
  }

  delete(record: FunctionRecord): OperationRecord {
    record.state = 'DELETING';
    record.updateTime = timestamp();
    const op = this.#operation(record.location, 'delete', record.resource);
    this.#run(
      this.#teardown(record).then(() => {
        finish(op, { response: { '@type': EMPTY_TYPE } });
      }),
    );
    return op;
  }

  /** Removes a function behind the API's back, as another user would. */
  async deleteDirectly(record: FunctionRecord): Promise<void> {
    record.state = 'DELETING';
    await this.#teardown(record);
  }

  runningHosts(): number {
    return [...this.functions.values()].filter((record) => record.host).length;
  }

  async stop(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
    await Promise.all([...this.functions.values()].map((record) => this.#teardown(record)));
    await rm(this.#root, { recursive: true, force: true });
  }

  #operation(location: string, verb: 'create' | 'delete', target: string, request?: Record<string, unknown>): OperationRecord {
    const op: OperationRecord = { name: operationName(location), verb, target, createTime: timestamp(), done: false, ...(request ? { request } : {}) };
    this.operations.set(op.name, op);
    return op;
  }

  async #deploy(record: FunctionRecord, op: OperationRecord): Promise<void> {
    const runtime = String(record.spec.buildConfig?.runtime ?? '');
    try {
      record.dir = await mkdtemp(join(this.#root, `${record.id}-`));
      await unzip(record.zip, record.dir);
      record.host = await startHost({
        language: runtime.startsWith('python') ? 'python' : 'nodejs',
        dir: record.dir,
        target: String(record.spec.buildConfig?.entryPoint),
        env: (record.spec.serviceConfig?.environmentVariables ?? {}) as Record<string, string>,
      });
      record.uri = this.#uriOf(record);
      record.state = 'ACTIVE';
      record.updateTime = timestamp();
      finish(op, { response: { '@type': FUNCTION_TYPE, ...functionJson(record) } });
    } catch (error) {
      const log = (error as Error).message.slice(-LOG_TAIL_CHARS);
      record.state = 'FAILED';
      record.stateMessage = `Could not create or update Cloud Run service ${record.id}, Container Healthcheck failed. The user-provided container failed to start and listen on the port defined by the PORT environment variable. Logs: ${log}`;
      record.updateTime = timestamp();
      finish(op, { error: { code: 3, message: record.stateMessage } });
    }
  }

  async #teardown(record: FunctionRecord): Promise<void> {
    await record.host?.stop();
    delete record.host;
    if (record.dir) await rm(record.dir, { recursive: true, force: true });
    this.functions.delete(record.resource);
  }

  #run(task: Promise<void>): void {
    const tracked = task.finally(() => this.#tasks.delete(tracked));
    this.#tasks.add(tracked);
  }
}

function finish(op: OperationRecord, outcome: Pick<OperationRecord, 'response' | 'error'>): void {
  Object.assign(op, outcome, { done: true, endTime: timestamp() });
}
