import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { createExecutor, EXECUTOR_NAMES } from '../executors/index.js';
import { cancelRun, checkCoordinatorStore, createRun, functionWake, newRunId, pickWorkflow, readRun, runCoordinatorOnce, summarize, WorkflowWorker, type AnyWorkflow, type RunOutcome } from '../flows/index.js';
import { createPlatform, PLATFORM_NAMES } from '../platforms/index.js';
import { ConfigError } from '../src/errors.js';
import { openWorkflowLog } from '../stores/open-log.js';
import { openStore } from '../stores/open.js';
import type { WorkflowLog } from '../stores/ports/workflow-log.js';
import type { Json, NamedRef, WorkspaceStore } from '../stores/ports/workspace.js';
import { addConnectionOptions, platformName, platformOptions, type ConnectionFlags } from './connection.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.js';
import { importModule } from './import-module.js';
import { positiveInt } from './parse-args.js';
import { resumeServiceWorkflow, resumeThroughApi } from './workflow-service.js';

const STORE_HELP = 'where runs live (workspaces and logs): redis://host:port, file:DIR, or memory:; default: .falco/workspaces and .falco/workflows';

interface StoreFlags {
  readonly store?: string;
}

interface HostFlags extends StoreFlags, ConnectionFlags {
  readonly platform?: string;
  readonly executor: string;
  readonly concurrency?: number;
  /** Run the coordinator once and exit when it suspends (another process serves the workspace). */
  readonly once?: boolean;
  /** Where the coordinator runs between wakes: hosted here, once per command, or as a function the run's action worker invokes. */
  readonly coordinator?: 'host' | 'once' | 'function';
}

/** How the run's coordinator is woken when it ran once here: undefined when it is hosted in this process. */
function onceWake(flags: HostFlags, runId: string): { wake?: NamedRef } | undefined {
  const mode = flags.coordinator ?? (flags.once ? 'once' : 'host');
  if (mode === 'host') return undefined;
  if (mode === 'once') return {};
  checkCoordinatorStore(flags.store);
  return { wake: functionWake(runId) };
}

/** Adds `run`, `status`, `cancel` and `resume` for workflows as code to a `workflow` command. */
export function addWorkflowCodeCommands(workflow: Command): Command {
  workflow.addCommand(
    hostOptions(new Command('run'))
      .description('Run a workflow as code from a JavaScript module (its default export, or the one workflow it exports, or the one --workflow names) until it ends; exit 0 when it succeeded, 1 when it failed.')
      .argument('<module>', 'a JavaScript module exporting workflows made with defineWorkflow')
      .option('--id <run>', 'the run id (a run logged under it before is resumed)')
      .option('--input <json>', 'the workflow input, as JSON (default: null)', parseJson, null)
      .option('--workflow <name>', 'which exported workflow to run, when the module exports several')
      .action(async (module: string, flags: HostFlags & { id?: string; input: unknown; workflow?: string }) => {
        const workflow = pickWorkflow(await importModule(module, 'the workflow module'), flags.workflow, module);
        const runId = flags.id ?? newRunId(workflow.name);
        process.stdout.write(`falco: workflow run ${runId}\n`);
        await withRuns(flags, async (store, log) => {
          const input = flags.input as Json;
          const wake = onceWake(flags, runId);
          if (wake) {
            await createRun(log, runId, { kind: 'started', workflow: workflow.name, input, module: resolve(module) });
            return report(await runCoordinatorOnce({ store, log, workflow, runId, ...wake }));
          }
          // The command line cannot know the module's input type: the workflow checks what it gets.
          return host(store, log, flags, workflow, (worker) => worker.start(workflow, input as never, { runId, module: resolve(module) }));
        });
      }),
  );
  workflow.addCommand(
    withStore(new Command('status'))
      .description('Print where a run stands: running, stalled (its coordinator function failed or was given up: resume carries it on), succeeded, failed or cancelled, with its calls, results and output or error.')
      .argument('<id>', 'the run id')
      .option('--json', 'print the status as JSON')
      .action(async (id: string, flags: StoreFlags & { json?: boolean }) => {
        const summary = await withLog(flags, async (log) => summarize(id, await readRun(log, id)));
        const { runId, workflow, status, calls, results } = summary;
        const end = summary.status === 'succeeded' ? `\toutput ${JSON.stringify(summary.output)}` : summary.error ? `\t${summary.error.name}: ${summary.error.message}` : '';
        const next = status === 'stalled' ? `\tcarry it on with: falco workflow resume ${runId} --coordinator function` : '';
        process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${runId}\t${workflow}\t${status}\tcalls ${calls}\tresults ${results}${end}${next}\n`);
      }),
  );
  workflow.addCommand(
    withStore(new Command('cancel'))
      .description('Cancel a run that has not finished: it ends as cancelled, and a worker hosting it stops.')
      .argument('<id>', 'the run id')
      .action(async (id: string, flags: StoreFlags) => {
        const summary = await withRuns(flags, (store, log) => cancelRun(store, log, id));
        process.stdout.write(`${summary.runId}\t${summary.status}\n`);
      }),
  );
  workflow.addCommand(
    resumeThroughApi(hostOptions(new Command('resume')))
      .description('Host a run again (after a crash, a stop, or a failure) until it ends: its code is replayed from its log, so finished calls are not made again; the calls that failed run again. With --api: resume a paused workflow of the workflow service.')
      .argument('<id>', 'the run id')
      .option('--module <file>', 'the workflow module (default: the one the run was started from)')
      .option('--keep-failed', 'keep the failures the log holds instead of running those calls again')
      .action(async (id: string, flags: HostFlags & { module?: string; keepFailed?: boolean; api?: string; apiToken?: string }) => {
        if (flags.api !== undefined) return resumeServiceWorkflow(id, { api: flags.api, ...(flags.apiToken === undefined ? {} : { apiToken: flags.apiToken }) });
        await withRuns(flags, async (store, log) => {
          const history = await readRun(log, id);
          const module = flags.module ?? history.started!.module;
          if (module === undefined) throw new ConfigError(`run ${id} was not started from a module: give it with --module FILE`);
          const workflow = pickWorkflow(await importModule(module, 'the workflow module'), history.started!.workflow, module);
          const wake = onceWake(flags, id);
          if (wake) return report(await runCoordinatorOnce({ store, log, workflow, runId: id, ...wake }));
          return host(store, log, flags, workflow, (worker) => worker.resume(id, { retryFailed: !flags.keepFailed }));
        });
      }),
  );
  return workflow;
}

function withStore(command: Command): Command {
  return command.option('--store <url>', STORE_HELP);
}

function hostOptions(command: Command): Command {
  return addConnectionOptions(
    withStore(command)
      .addOption(new Option('-p, --platform <name>', 'where the functions run (default: local)').choices(PLATFORM_NAMES))
      .addOption(new Option('-e, --executor <name>', 'how invoke commands are pushed through').choices(EXECUTOR_NAMES).default('concurrent'))
      .option('-c, --concurrency <n>', 'invocations in flight at once', positiveInt)
      .option('--once', 'the same as --coordinator once')
      .addOption(
        new Option(
          '--coordinator <mode>',
          'host: the coordinator runs in this process until the run ends; once: it runs once and this command exits when it suspends, and something runs it again on its wake event; ' +
            'function: it runs once here, then each wake invokes it as a function through the action worker of `falco triggers serve <id>` (nothing runs while the run waits)',
        ).choices(['host', 'once', 'function']),
      ),
  );
}

/** Hosts the run in this process until it ends; exits 0 when it succeeded. */
async function host(store: WorkspaceStore, log: WorkflowLog, flags: HostFlags, workflow: AnyWorkflow, begin: (worker: WorkflowWorker) => Promise<{ outcome: Promise<RunOutcome> }>): Promise<void> {
  const name = platformName(flags);
  const platform = await createPlatform(name, platformOptions(name, flags));
  const executor = createExecutor(flags.executor, flags.concurrency === undefined ? {} : { concurrency: flags.concurrency });
  const worker = new WorkflowWorker({ store, log, platform, executor, workflows: [workflow] });
  try {
    report(await (await begin(worker)).outcome);
  } finally {
    await worker.stop();
    await platform.close();
  }
}

/** Prints how the run ended (or that it suspended) and sets the exit code. */
function report(outcome: 'suspended' | RunOutcome): void {
  if (outcome === 'suspended') {
    process.stdout.write('falco: the coordinator suspended; it runs again on its wake event\n');
    return;
  }
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
  process.exitCode = outcome.status === 'succeeded' ? EXIT_OK : EXIT_FAILURE;
}

async function withRuns<T>(flags: StoreFlags, use: (store: WorkspaceStore, log: WorkflowLog) => Promise<T>): Promise<T> {
  const store = await openStore(flags.store);
  try {
    return await withLog(flags, (log) => use(store, log));
  } finally {
    await store.close();
  }
}

async function withLog<T>(flags: StoreFlags, use: (log: WorkflowLog) => Promise<T>): Promise<T> {
  const log = await openWorkflowLog(flags.store);
  try {
    return await use(log);
  } finally {
    await log.close();
  }
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new ConfigError(`--input is not JSON: ${(error as Error).message}`);
  }
}
