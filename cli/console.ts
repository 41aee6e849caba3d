import { Command, Option } from 'commander';
import { CodeSource, compileFlow, EmbeddedWorkflows, serveWorkflowApi, StateMachineSource, Workflows, type TaskBatchKind, type TaskKind, type WorkflowService } from '../flows/index.js';
import type { FlowGraph } from '../flows/tasks/graph.js';
import { ConfigError } from '../src/errors.js';
import { createPlatform, PLATFORM_NAMES, type PlatformName } from '../platforms/index.js';
import { openWorkflowLog } from '../stores/open-log.js';
import { openStore } from '../stores/open.js';
import { loadConsoleWorkflows } from './console-workflows.js';
import { importModule } from './import-module.js';
import { port } from './parse-args.js';
import { DEFAULT_API_PORT } from './workflow-service.js';

interface ConsoleFlags {
  readonly store?: string;
  readonly port: number;
  readonly host: string;
  readonly token?: string;
  readonly tasks?: string;
  readonly workflows?: string;
  readonly platform: PlatformName;
}

type Kinds = Record<string, TaskKind | TaskBatchKind>;

/** `falco console`: the workflow API and the web console over a store's workflow service. */
export function consoleCommand(): Command {
  return new Command('console')
    .summary('serve the workflow API and the web console')
    .description(
      'Serve the workflow REST API (/api/workflows) and the web console (/) over the workflow service in a store. ' +
        'On redis:// the lifecycle and task workers run in their own processes (or here, with --tasks); on file: and memory: ' +
        'this process runs them. Listens on 127.0.0.1 unless a token is configured; with a token every change needs ' +
        '"Authorization: Bearer <token>". Stops cleanly on SIGINT or SIGTERM.',
    )
    .option('--store <url>', 'where workflows live: redis://host:port, file:DIR, or memory: (this process only); default: the file store in .falco/workspaces')
    .addOption(new Option('--port <n>', 'HTTP port (0: any free one)').argParser(port).default(DEFAULT_API_PORT))
    .option('--host <address>', 'the address to listen on (other than loopback only with a token)', '127.0.0.1')
    .addOption(new Option('--token <token>', 'the bearer token changes need, 16 characters or more (prefer FALCO_API_TOKEN: a flag shows in ps)').env('FALCO_API_TOKEN'))
    .option('--tasks <module>', 'a JavaScript module whose export "kinds" (or default export) maps task kinds to their code ({ run(input, task) }); runs a task worker for them here')
    .option('--workflows <module>', 'a JavaScript module whose workflows as code (made with defineWorkflow) the API starts by name, and whose export "resources" (name → deployable) state machines\' Tasks may name')
    .addOption(new Option('-p, --platform <name>', 'where state machines\' Tasks and workflows as code run their functions').choices(PLATFORM_NAMES).default('local'))
    .action(async (flags: ConsoleFlags) => {
      const kinds = flags.tasks === undefined ? undefined : await loadKinds(flags.tasks);
      const { workflows, resources } = await loadConsoleWorkflows(flags.workflows);
      const store = await openStore(flags.store);
      const log = await openWorkflowLog(flags.store);
      const platform = await createPlatform(flags.platform);
      let service: WorkflowService | undefined;
      const code = new CodeSource({ store, log, platform, workflows });
      let machines: StateMachineSource | undefined;
      try {
        const remote = flags.store?.startsWith('redis') && kinds === undefined;
        service = remote ? await Workflows.open({ store }) : await EmbeddedWorkflows.start({ store, kinds: kinds ?? {} });
        // On Redis the runs are hosted by `falco triggers serve --workflows`, so they outlive this console.
        machines = await StateMachineSource.open({ store, resources, ...(remote ? {} : { platform }) });
        const sources = [machines, code];
        const api = await serveWorkflowApi({ service, sources, compileFlow: compileSubmittedFlow, port: flags.port, host: flags.host, ...(flags.token === undefined ? {} : { token: flags.token }) });
        process.stdout.write(`falco: console on ${api.url}${flags.token === undefined ? '' : ' (changes need the bearer token)'}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        process.stderr.write('falco: stopping\n');
        await api.close();
      } finally {
        await Promise.all([machines?.close(), code.close(), service?.close()]);
        await log.close();
        await store.close();
        await platform.close();
      }
    });
}

async function loadKinds(path: string): Promise<Kinds> {
  const module = await importModule(path, 'the tasks module');
  const kinds = module.kinds ?? module.default;
  const entries = typeof kinds === 'object' && kinds !== null ? Object.entries(kinds) : [];
  const wrong = entries.filter(([, kind]) => !isKind(kind)).map(([name]) => name);
  if (entries.length === 0 || wrong.length > 0) {
    const what = entries.length === 0 ? 'exports no "kinds" (nor a default export) mapping task kinds to their code' : `has kinds that are not task kinds: ${wrong.join(', ')}`;
    throw new ConfigError(`the tasks module "${path}" ${what}: export const kinds = { mykind: { run: (input, task) => output } }`);
  }
  return Object.fromEntries(entries) as Kinds;
}

function isKind(value: unknown): boolean {
  const kind = value as { run?: unknown; runBatch?: unknown } | null;
  return typeof kind === 'object' && kind !== null && (typeof kind.run === 'function' || typeof kind.runBatch === 'function');
}

/** `.flow` text sent to the API compiles without touching this machine's files: a client must not read them through `<resource>`s. */
function compileSubmittedFlow(source: string): FlowGraph {
  return compileFlow(source, {
    resolveResource: (uri) => {
      throw new Error(`the workflow API does not load resources such as <${uri}>: inline the data as a literal (<{ ... }>) or start it with falco workflow start FILE.flow, which compiles the flow where its files are`);
    },
  });
}
