import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { WorkflowClient } from '../flows/console/client.js';
import { compileFlowFile } from '../flows/littleflow/file.js';
import type { FlowGraph } from '../flows/tasks/graph.js';
import type { WorkflowListing, WorkflowTask, WorkflowView } from '../flows/console/sources/source.js';
import { ConfigError } from '../src/errors.js';
import type { Json } from '../stores/ports/workspace.js';

/** Where `falco console` listens by default, and so where these commands look for it. */
export const DEFAULT_API_PORT = 8080;
const DEFAULT_API_URL = `http://127.0.0.1:${DEFAULT_API_PORT}`;

interface ApiFlags {
  readonly api: string;
  readonly token?: string;
}

/**
 * Adds the workflow service's commands to `falco workflow`, each a call of the workflow API through
 * `WorkflowClient`: `start FILE` (a flow graph as JSON or a `.flow` file), `list`, `inspect`,
 * `pause`, `resume`, `terminate`, `restart`, `archive`, `restore`.
 */
export function addWorkflowServiceCommands(workflow: Command): Command {
  workflow.addCommand(
    withApi(new Command('start'))
      .description('Start a workflow from FILE: a flow graph or a state machine (ASL) as JSON (.json), or a littleflow file (.flow, compiled here, its resources read beside it); prints its id.')
      .argument('<file>')
      .option('--input <json>', 'the workflow\'s input, as JSON', parseJson)
      .option('--id <id>', 'the workflow\'s id (default: one the service makes)')
      .action(async (file: string, flags: ApiFlags & { input?: Json; id?: string }) => {
        const definition = extname(file) === '.flow' ? compileFlowFile(file) : parseDefinition(file, await readDefinition(file));
        const options = flags.id === undefined ? {} : { id: flags.id };
        const summary = await withClient(flags, (client) => (isStateMachine(definition) ? client.startStateMachine(definition, flags.input, options) : client.start(definition, flags.input, options)));
        process.stdout.write(`${summary.id}\n`);
      }),
  );
  workflow.addCommand(
    withApi(new Command('list'))
      .description('List the workflows of every kind: id, name, state, created, ended, kind (graph, state-machine, code).')
      .option('--archived', 'list the archived ones instead')
      .option('--json', 'print them as JSON')
      .action(async (flags: ApiFlags & { archived?: boolean; json?: boolean }) => {
        const workflows = await withClient(flags, (client) => client.list({ archived: flags.archived === true }));
        process.stdout.write(flags.json ? `${JSON.stringify(workflows, null, 2)}\n` : workflows.map(summaryLine).join(''));
      }),
  );
  workflow.addCommand(
    withApi(new Command('inspect'))
      .description('Show one workflow: its state and every task\'s state, attempt and times; --json for all of it (graph, inputs, outputs, errors).')
      .argument('<id>')
      .option('--json', 'print the whole record as JSON')
      .action(async (id: string, flags: ApiFlags & { json?: boolean }) => {
        const detail = await withClient(flags, (client) => client.inspect(id));
        if (!detail) throw new ConfigError(`there is no workflow "${id}": see falco workflow list (archived ones with --archived)`);
        process.stdout.write(flags.json ? `${JSON.stringify(detail, null, 2)}\n` : describeDetail(detail));
      }),
  );
  for (const [action, does] of [
    ['pause', 'Pause a running workflow: running tasks finish, no new ones start.'],
    ['terminate', 'Terminate a workflow: no task starts again.'],
    ['restart', 'Run a failed or terminated workflow again from the tasks that did not succeed.'],
    ['archive', 'Archive a workflow that has ended: list shows it only with --archived.'],
    ['restore', 'Restore an archived workflow to the list.'],
  ] as const) {
    workflow.addCommand(
      withApi(new Command(action))
        .description(does)
        .argument('<id>')
        .action(async (id: string, flags: ApiFlags) => {
          const summary = await withClient(flags, (client) => client[action](id));
          process.stdout.write(summaryLine(summary));
        }),
    );
  }
  return workflow;
}

/**
 * `falco workflow resume ID --api URL` resumes a paused workflow of the service; without `--api`
 * (or FALCO_API) `resume` hosts a workflow as code again. Both meanings share one command name.
 */
export function resumeThroughApi(command: Command): Command {
  return command
    .addOption(new Option('--api <url>', 'resume a paused workflow of the workflow API (falco console) instead of hosting a workflow as code').env('FALCO_API'))
    .addOption(new Option('--api-token <token>', "with --api: the API's token, if it has one (prefer FALCO_API_TOKEN: a flag shows in ps; --token is the platform's here)").env('FALCO_API_TOKEN'));
}

/** Resumes a paused workflow through the API; prints its summary line. */
export async function resumeServiceWorkflow(id: string, flags: { readonly api: string; readonly apiToken?: string }): Promise<void> {
  const api = { api: flags.api, ...(flags.apiToken === undefined ? {} : { token: flags.apiToken }) };
  process.stdout.write(summaryLine(await withClient(api, (client) => client.resume(id))));
}

function withApi(command: Command): Command {
  return command
    .addOption(new Option('--api <url>', 'the workflow API (falco console)').env('FALCO_API').default(DEFAULT_API_URL))
    .addOption(new Option('--token <token>', 'the API\'s token, if it has one (prefer FALCO_API_TOKEN: a flag shows in ps)').env('FALCO_API_TOKEN'));
}

async function withClient<T>(flags: ApiFlags, use: (client: WorkflowClient) => Promise<T>): Promise<T> {
  const client = new WorkflowClient({ url: flags.api, ...(flags.token === undefined ? {} : { token: flags.token }) });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

async function readDefinition(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the workflow file "${file}": ${(error as Error).message}`);
  }
}

/** A state machine names its StartAt and States; anything else is sent as a flow graph, which the server checks. */
function isStateMachine(definition: FlowGraph | StateMachineJson): definition is StateMachineJson {
  return 'StartAt' in definition && 'States' in definition;
}

type StateMachineJson = { readonly StartAt: Json; readonly States: Json } & { readonly [field: string]: Json };

function parseDefinition(file: string, text: string): FlowGraph | StateMachineJson {
  try {
    return JSON.parse(text) as FlowGraph | StateMachineJson;
  } catch (error) {
    throw new ConfigError(`the workflow file "${file}" is not JSON: ${(error as Error).message}; a .flow file must end in .flow`);
  }
}

function parseJson(value: string): Json {
  try {
    return JSON.parse(value) as Json;
  } catch (error) {
    throw new InvalidArgumentError(`not JSON: ${(error as Error).message}`);
  }
}

function summaryLine(summary: WorkflowListing): string {
  const ended = summary.endedAt === undefined ? '' : new Date(summary.endedAt).toISOString();
  return `${summary.id}\t${summary.name}\t${summary.state}${summary.archived ? ' (archived)' : ''}\t${new Date(summary.createdAt).toISOString()}\t${ended}\t${summary.kind}\n`;
}

function describeDetail(detail: WorkflowView): string {
  const lines = [summaryLine(detail), ...detail.tasks.map(taskLine)];
  if (detail.error) lines.push(`error: ${detail.error.message}\n`);
  return lines.join('');
}

function taskLine(task: WorkflowTask): string {
  const times = [task.startedAt, task.endedAt].map((t) => (t === undefined ? '-' : new Date(t).toISOString())).join(' → ');
  const entered = task.entries !== undefined && task.entries > 1 ? ` (entered ${task.entries}×)` : '';
  return `  ${task.node}\t${task.name}\t${task.state}\tattempt ${task.attempt}${entered}\t${times}${task.error ? `\t${task.error.message}` : ''}\n`;
}
