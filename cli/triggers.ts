import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { createExecutor, EXECUTOR_NAMES } from '../executors/index.js';
import { ActionWorker, checkCoordinatorStore, COORDINATOR_DEPLOYMENT, coordinatorDeployable, coordinatorStoreProblem, CoordinatorWatch, servedPipelines, serveEvents, SERVE_KEYS_ENV, StateMachineHost, TriggerService, Workspaces, type TriggerRecord, type TriggerSpec } from '../flows/index.js';
import { createPlatform, PLATFORM_NAMES } from '../platforms/index.js';
import type { Deployable } from '../src/deployable.js';
import { ConfigError } from '../src/errors.js';
import { openWorkflowLog } from '../stores/open-log.js';
import { openStore } from '../stores/open.js';
import type { WorkspaceStore } from '../stores/ports/workspace.js';
import { loadConsoleWorkflows } from './console-workflows.js';
import { addConnectionOptions, platformName, platformOptions, type ConnectionFlags } from './connection.js';
import { port, positiveInt } from './parse-args.js';

interface StoreFlags {
  readonly store?: string;
}

const STORE_HELP = 'where workspaces live: redis://host:port, file:DIR, or memory: (this process only); default: the file store in .falco/workspaces';

/** `falco triggers add|list|get|delete|serve`. */
export function triggersCommand(): Command {
  const triggers = new Command('triggers').summary('add, list, get and delete triggers; serve a workspace').description('Manage the triggers of a workspace and run them.');
  triggers.addCommand(
    withStore(new Command('add'))
      .description('Add the triggers in FILE (a JSON trigger, or an array of them) to a workspace, replacing any with the same id.')
      .argument('<workspace>')
      .argument('<file>', 'a JSON file holding a trigger { id, activation, condition, action, context?, transient? } or an array of them')
      .option('--create', 'create the workspace if it does not exist')
      .action(async (workspace: string, file: string, flags: StoreFlags & { create?: boolean }) => {
        const specs = await readSpecs(file);
        await withWorkspaces(flags, async (workspaces) => {
          if (flags.create) await workspaces.create(workspace);
          await workspaces.addTriggers(workspace, specs);
        });
        process.stdout.write(`added ${specs.map((spec) => spec.id).join(', ')} to ${workspace}\n`);
      }),
  );
  triggers.addCommand(
    withStore(new Command('list'))
      .description('List the triggers of a workspace: id, condition, action, how often each fired.')
      .argument('<workspace>')
      .option('--json', 'print the trigger records as JSON')
      .action(async (workspace: string, flags: StoreFlags & { json?: boolean }) => {
        const records = await withWorkspaces(flags, (workspaces) => workspaces.listTriggers(workspace));
        process.stdout.write(flags.json ? `${JSON.stringify(records, null, 2)}\n` : records.map(describe).join(''));
      }),
  );
  triggers.addCommand(
    withStore(new Command('get'))
      .description('Print one trigger, with its context, as JSON.')
      .argument('<workspace>')
      .argument('<id>')
      .action(async (workspace: string, id: string, flags: StoreFlags) => {
        const record = await withWorkspaces(flags, (workspaces) => workspaces.getTrigger(workspace, id));
        if (!record) throw new ConfigError(`there is no trigger "${id}" in workspace "${workspace}": see falco triggers list ${workspace}`);
        process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      }),
  );
  triggers.addCommand(
    withStore(new Command('delete'))
      .description('Delete a trigger from a workspace.')
      .argument('<workspace>')
      .argument('<id>')
      .action(async (workspace: string, id: string, flags: StoreFlags) => {
        const deleted = await withWorkspaces(flags, (workspaces) => workspaces.deleteTrigger(workspace, id));
        if (!deleted) throw new ConfigError(`there is no trigger "${id}" in workspace "${workspace}": see falco triggers list ${workspace}`);
        process.stdout.write(`deleted ${id} from ${workspace}\n`);
      }),
  );
  triggers.addCommand(serveCommand());
  return triggers;
}

interface ServeFlags extends StoreFlags, ConnectionFlags {
  readonly port: number;
  readonly listen: string;
  readonly create?: boolean;
  readonly triggers?: string;
  readonly platform?: string;
  readonly executor: string;
  readonly concurrency?: number;
  readonly coordinatorEnv?: string[];
  readonly coordinatorModule?: string;
  readonly pipeline?: string[];
  readonly pipelineState?: string;
  readonly pipelinePlatform?: string;
  readonly pipelineEnv?: string[];
  readonly workflows?: string;
}

function serveCommand(): Command {
  const command = withStore(new Command('serve'))
    .description(
      'Run a workspace: the trigger service, an action worker for its invoke commands, and an HTTP endpoint that takes CloudEvents ' +
        '(POST / in binary or structured mode: 202 when stored, 400 with the reason when malformed; GET /triggers lists the triggers). ' +
        'Stops cleanly on SIGINT or SIGTERM.',
    )
    .argument('<workspace>')
    .addOption(new Option('--port <n>', 'HTTP port (0: any free one)').argParser(port).default(8080))
    .option('--listen <address>', 'the address to listen on', '127.0.0.1')
    .option('--create', 'create the workspace if it does not exist')
    .option('--triggers <file>', 'add the triggers in this JSON file first')
    .addOption(new Option('-p, --platform <name>', 'where invoke actions run (default: local)').choices(PLATFORM_NAMES))
    .addOption(new Option('-e, --executor <name>', 'how invoke commands are pushed through').choices(EXECUTOR_NAMES).default('concurrent'))
    .option('-c, --concurrency <n>', 'invocations in flight at once', positiveInt)
    .option('--coordinator-module <file>', 'package the coordinator function of workflows as code as a zip of its own, with this workflow module and what it imports, for a platform that does not share this machine\'s files (lambda, gcf, openwhisk)')
    .option('--coordinator-env <names...>', "environment variables this process passes to the coordinator function of workflows as code (it sees only its own): those the workflow's module reads")
    .option('--pipeline <name=module#export...>', `serve pipelines as functions that forward themselves, by the name submitters give as forwarding.function; their signing keys in ${SERVE_KEYS_ENV}`)
    .option('--pipeline-state <url>', "where the pipelines' requests live, file:DIR or redis:// (default: --store, when it is redis://)")
    .addOption(new Option('--pipeline-platform <name>', 'where the pipelines run their applied functions (default: local)').choices(PLATFORM_NAMES))
    .option('--pipeline-env <names...>', "environment variables this process passes to the pipelines' functions: those their modules read")
    .option('--workflows <module>', "also host the state machines started through the workflow API (falco console) in this store, their Tasks naming the module's export \"resources\" (name → deployable), as falco console --workflows does");
  return addConnectionOptions(command).action(async (workspace: string, flags: ServeFlags) => {
    const specs = flags.triggers ? await readSpecs(flags.triggers) : undefined;
    const hosted = flags.workflows === undefined ? undefined : await loadConsoleWorkflows(flags.workflows);
    const store = await openStore(flags.store);
    const workspaces = new Workspaces(store);
    const name = platformName(flags);
    const platform = await createPlatform(name, platformOptions(name, flags));
    try {
      if (flags.create) await workspaces.create(workspace);
      if (specs) await workspaces.addTriggers(workspace, specs);
      const service = await TriggerService.start({ store, workspace });
      const executor = createExecutor(flags.executor, flags.concurrency === undefined ? {} : { concurrency: flags.concurrency });
      const shared = flags.store !== undefined && coordinatorStoreProblem(flags.store) === undefined ? flags.store : undefined;
      const deployments: Record<string, Deployable> = shared === undefined ? {} : { [COORDINATOR_DEPLOYMENT]: coordinatorDeployable(shared, passedEnv(flags.coordinatorEnv)) };
      if (flags.coordinatorModule !== undefined) deployments[COORDINATOR_DEPLOYMENT] = await packagedCoordinator(flags.store, flags.coordinatorModule, passedEnv(flags.coordinatorEnv));
      // Logs a failed or given-up coordinator function as the run's stall; started first, so it reads every failure the worker reports.
      const log = await openWorkflowLog(flags.store);
      const watch = await CoordinatorWatch.start({ store, log, workspace });
      if (flags.pipeline) Object.assign(deployments, servedPipelines(flags.pipeline, pipelineOptions(flags)));
      const worker = await ActionWorker.start({ store, workspace, platform, executor, deployments });
      const machines = hosted && (await StateMachineHost.start({ store, platform, executor, resources: hosted.resources }));
      const http = await serveEvents({ workspaces, workspace, port: flags.port, host: flags.listen });
      process.stdout.write(`falco: serving workspace ${workspace} on ${http.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
        service.done.then(resolve, resolve);
        worker.done.then(resolve, resolve);
      });
      process.stderr.write('falco: stopping\n');
      await http.close();
      await Promise.all([service.stop(), worker.stop(), machines?.stop()]);
      await watch.stop();
      await log.close();
    } finally {
      await platform.close();
      await store.close();
    }
  });
}

function withStore(command: Command): Command {
  return command.option('--store <url>', STORE_HELP);
}

async function withWorkspaces<T>(flags: StoreFlags, use: (workspaces: Workspaces) => Promise<T>): Promise<T> {
  const store: WorkspaceStore = await openStore(flags.store);
  try {
    return await use(new Workspaces(store));
  } finally {
    await store.close();
  }
}

async function readSpecs(file: string): Promise<TriggerSpec[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the triggers file "${file}": ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the triggers file "${file}" is not JSON: ${(error as Error).message}`);
  }
  // Each spec's shape is checked by Workspaces.addTriggers, which names what is wrong.
  return (Array.isArray(parsed) ? parsed : [parsed]) as TriggerSpec[];
}

function describe(record: TriggerRecord): string {
  const { spec } = record;
  return `${spec.id}\t${spec.condition.name}\t${spec.action.name}\tfired ${record.fired}\t${spec.transient === false ? 'persistent' : 'transient'}\n`;
}

function pipelineOptions(flags: ServeFlags): { state: string; platform?: string; env: Record<string, string> } {
  const state = flags.pipelineState ?? (flags.store?.startsWith('redis') ? flags.store : undefined);
  if (!state) throw new ConfigError('--pipeline needs --pipeline-state file:DIR or redis://host:port (the state the pipelines were submitted with)');
  return { state, env: passedEnv(flags.pipelineEnv), ...(flags.pipelinePlatform ? { platform: flags.pipelinePlatform } : {}) };
}

/** The coordinator function as a zip for a cloud; what went into it, and what the trace could not follow, on stderr. */
async function packagedCoordinator(store: string | undefined, module: string, env: Record<string, string>): Promise<Deployable> {
  checkCoordinatorStore(store);
  // The tracer and archiver load only when a coordinator is packaged.
  const { packageCoordinator } = await import('../flows/packaging/index.js');
  const packaged = await packageCoordinator(store, { module, env });
  process.stderr.write(`falco: the coordinator function's zip: ${packaged.files.length} files, ${(packaged.bytes / 1024).toFixed(0)} KiB\n`);
  for (const warning of packaged.warnings) process.stderr.write(`falco: warning: ${warning}\n`);
  return packaged.deployable;
}

/** The named variables of this process's environment (a name not set is left out). */
function passedEnv(names: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])));
}
