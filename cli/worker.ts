import { Command, Option } from 'commander';
import { createExecutor, EXECUTOR_NAMES } from '../executors/index.js';
import { FALCO_KIND, FalcoTasks, LifecycleWorker, ReceiptLog, TaskWorker, type TaskBatchKind, type TaskKind } from '../flows/index.js';
import { createPlatform, PLATFORM_NAMES } from '../platforms/index.js';
import { definedOnly } from '../src/defined.js';
import type { Deployable } from '../src/deployable.js';
import { ConfigError } from '../src/errors.js';
import type { Platform } from '../src/platform.js';
import { openStore } from '../stores/open.js';
import { addConnectionOptions, platformName, platformOptions, type ConnectionFlags } from './connection.js';
import { importModule } from './import-module.js';
import { positiveInt } from './parse-args.js';

const STORE_HELP = 'where workflows live: redis://host:port (several processes), or file:DIR / memory: (this process only)';

interface WorkerFlags extends ConnectionFlags {
  readonly kinds: string;
  readonly tasks?: string;
  readonly store?: string;
  readonly workspace?: string;
  readonly consumer: string;
  readonly visibilityTimeout?: number;
  readonly maxDeliveries?: number;
  readonly concurrency?: number;
  readonly platform?: string;
  readonly executor: string;
}

/** `falco worker --kinds a,b --tasks MODULE --store redis://...`: a task worker. */
export function workerCommand(): Command {
  const command = new Command('worker')
    .summary('run tasks of the given kinds for the workflow service')
    .description(
      'Take the start-task events of each kind, run them, and report each end. User kinds come from --tasks MODULE (its export `kinds`: name → taskKind(...));\n' +
        'a kind falco:<name> invokes the function `deployables[name]` of that module through a platform with falco\'s executor.',
    )
    .requiredOption('--kinds <list>', 'the task kinds to take, comma-separated (e.g. resize,falco:square)')
    .option('--tasks <module>', 'a JavaScript module exporting `kinds` (task kinds by name) and/or `deployables` (functions by name)')
    .option('--store <url>', STORE_HELP)
    .option('--workspace <name>', 'the workflow service\'s workspace (default falco-workflows)')
    .option('--consumer <name>', 'this worker\'s name, unique among workers; a restart under the same name first takes back what it held', `worker-${process.pid}`)
    .option('--visibility-timeout <ms>', 'a task held this long without ending is claimed by another worker (default 30000)', positiveInt)
    .option('--max-deliveries <n>', 'a task handed out this often without ending fails (default 3)', positiveInt)
    .option('-c, --concurrency <n>', 'tasks of one kind run at once (default 16)', positiveInt)
    .addOption(new Option('-p, --platform <name>', 'where falco: kinds run (default: local)').choices(PLATFORM_NAMES))
    .addOption(new Option('-e, --executor <name>', 'how falco: invocations are pushed through').choices(EXECUTOR_NAMES).default('concurrent'));
  return addConnectionOptions(command).action(async (flags: WorkerFlags) => {
    const names = flags.kinds.split(',').map((kind) => kind.trim()).filter(Boolean);
    if (names.length === 0) throw new ConfigError('--kinds names no kind: give them comma-separated, e.g. --kinds resize,falco:square');
    const module = flags.tasks ? await importModule(flags.tasks, 'tasks module') : {};
    const userKinds = (module.kinds ?? {}) as Record<string, TaskKind>;
    const deployables = (module.deployables ?? {}) as Record<string, Deployable>;
    const falcoNames = names.filter((kind) => kind.startsWith(FALCO_KIND)).map((kind) => kind.slice(FALCO_KIND.length));
    const missing = [
      ...names.filter((kind) => !kind.startsWith(FALCO_KIND) && !userKinds[kind]).map((kind) => `kind "${kind}" is not in the module's \`kinds\``),
      ...falcoNames.filter((name) => !deployables[name]).map((name) => `kind "falco:${name}" needs \`deployables.${name}\``),
    ];
    if (missing.length > 0) throw new ConfigError(`${missing.join('; ')}${flags.tasks ? ` (module ${flags.tasks})` : ': pass --tasks MODULE'}`);
    let platform: Platform | undefined;
    let falco: FalcoTasks | undefined;
    const kinds: Record<string, TaskKind | TaskBatchKind> = Object.fromEntries(names.filter((kind) => !kind.startsWith(FALCO_KIND)).map((kind) => [kind, userKinds[kind]!]));
    const store = await openStore(flags.store);
    try {
      if (falcoNames.length > 0) {
        const name = platformName(flags);
        platform = await createPlatform(name, platformOptions(name, flags));
        const executor = createExecutor(flags.executor, flags.concurrency === undefined ? {} : { concurrency: flags.concurrency });
        falco = new FalcoTasks({ platform, executor, deployables: Object.fromEntries(falcoNames.map((n) => [n, deployables[n]!])) });
        Object.assign(kinds, falco.kinds());
      }
      const worker = await TaskWorker.start({
        store,
        kinds,
        consumer: flags.consumer,
        ...definedOnly({ workspace: flags.workspace, visibilityTimeoutMs: flags.visibilityTimeout, maxDeliveries: flags.maxDeliveries, concurrency: flags.concurrency }),
      });
      process.stdout.write(`falco: worker ${flags.consumer} takes ${names.join(', ')}\n`);
      await untilStopped(worker.done);
      await worker.stop();
    } finally {
      await falco?.remove();
      await platform?.close();
      await store.close();
    }
  });
}

interface LifecycleFlags {
  readonly store?: string;
  readonly workspace?: string;
  readonly consumer: string;
  readonly receipts?: string;
}

/** `falco lifecycle --store redis://... [--receipts FILE]`: a lifecycle worker, and the receipt log. */
export function lifecycleCommand(): Command {
  return new Command('lifecycle')
    .summary('advance workflows as their tasks end; archive receipts and trim streams')
    .description('Run a lifecycle worker for the workflow service (several may run at once), and with --receipts the receipt log, which archives receipts as JSON lines and trims what is done.')
    .option('--store <url>', STORE_HELP)
    .option('--workspace <name>', 'the workflow service\'s workspace (default falco-workflows)')
    .option('--consumer <name>', 'this worker\'s name, unique among lifecycle workers', `lifecycle-${process.pid}`)
    .option('--receipts <file>', 'also run the receipt log, appending receipts to FILE')
    .action(async (flags: LifecycleFlags) => {
      const store = await openStore(flags.store);
      try {
        const shared = { store, ...definedOnly({ workspace: flags.workspace }) };
        const lifecycle = await LifecycleWorker.start({ ...shared, consumer: flags.consumer });
        const log = flags.receipts ? await ReceiptLog.start({ ...shared, path: flags.receipts }) : undefined;
        process.stdout.write(`falco: lifecycle ${flags.consumer} running${flags.receipts ? `, receipts to ${flags.receipts}` : ''}\n`);
        await untilStopped(lifecycle.done);
        await Promise.all([lifecycle.stop(), log?.stop()]);
      } finally {
        await store.close();
      }
    });
}

/** Resolves on SIGINT or SIGTERM, or when the loop ends by itself (a fatal error rejects). */
function untilStopped(done: Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    done.then(resolve, reject);
  });
}
