/**
 * The Go Falco example, ported: a python:3 hello action, one phase, each invocation's id, result
 * and error printed. With no --host it runs on the local platform; with --host and --token, on
 * OpenWhisk, as in the original:
 *
 *   node dist/example/example.js                       # local platform
 *   node dist/example/example.js --host H --token T    # OpenWhisk
 */
import { Command, CommanderError, Option } from 'commander';
import { addConnectionOptions, platformName, platformOptions, type ConnectionFlags } from '../cli/connection.js';
import { positiveInt } from '../cli/parse-args.js';
import { createExecutor, EXECUTOR_NAMES } from '../executors/index.js';
import { createPlatform, PLATFORM_NAMES } from '../platforms/index.js';
import { ConfigError, deployable, Driver, ExecutionPlan, type Deployable, type InvocationRequest, type Runtime } from '../src/index.js';
import { describeError } from '../src/observe/index.js';

// The falco command's exit codes: 0 every invocation succeeded, 1 some failed or the run failed, 2 bad usage.
const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const payload = `def main(args):
    name = args.get("name", "stranger")
    greeting = "Hello " + name + "!"
    print(greeting)
    return {"greeting": greeting}
`;

interface HelloInput {
  name: string;
}

class ExampleRuntime implements Runtime<HelloInput> {
  constructor(private readonly invocations: number) {}

  makeDeployment(): Deployable {
    return deployable({ runtime: 'python:3', code: { source: payload }, name: 'hello' });
  }

  invocationPayload(): InvocationRequest<HelloInput>[] {
    return Array.from({ length: this.invocations }, (_, i) => ({
      id: `hello-${i}`,
      input: { name: this.invocations === 1 ? 'world' : `world ${i}` },
    }));
  }
}

class ExampleDriver extends Driver<HelloInput> {
  readonly #runtime: ExampleRuntime;

  constructor(invocations: number) {
    super();
    this.#runtime = new ExampleRuntime(invocations);
  }

  runtime(): ExampleRuntime {
    return this.#runtime;
  }

  override executionPlan(): ExecutionPlan {
    return new ExecutionPlan([{ id: 'test', invocations: this.#runtime.invocationPayload() }]);
  }
}

const program = addConnectionOptions(
  new Command('example').description('Runs the Falco hello example: deploy a python:3 action, invoke it, print each result, remove it.'),
)
  .addOption(new Option('--platform <name>', 'where to run (default: local, or openwhisk with --host)').choices(PLATFORM_NAMES))
  .addOption(new Option('--executor <name>', 'how to run the invocations').choices(EXECUTOR_NAMES).default('sequential'))
  .option('--concurrency <n>', 'calls in flight at once (concurrent, async) or batch size (batched)', positiveInt)
  .option('--invocations <n>', 'how many invocations', positiveInt, 1)
  .exitOverride();

async function main(): Promise<number> {
  const options = program.parse().opts<ConnectionFlags & { platform?: string; executor: string; concurrency?: number; invocations: number }>();
  const name = platformName(options);
  const platform = await createPlatform(name, platformOptions(name, options));
  const executor = createExecutor(options.executor, options.concurrency === undefined ? {} : { concurrency: options.concurrency });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted (SIGINT)')));
  const driver = new ExampleDriver(options.invocations);
  try {
    await driver.run({ platform, executor, signal: controller.signal });
  } finally {
    for (const phase of driver.results) {
      for (const invocation of phase.invocations) {
        const error = invocation.error ? ` error: ${invocation.error.class}: ${invocation.error.message}` : '';
        console.log(`${invocation.id}: ${JSON.stringify(invocation.output ?? null)}${error}`);
      }
    }
    await platform.close();
  }
  return driver.results.every((phase) => phase.counts.failed === 0 && phase.counts.aborted === 0) ? EXIT_OK : EXIT_FAILURE;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CommanderError) {
      // Commander has printed its message; --help is not an error.
      process.exit(error.code === 'commander.helpDisplayed' ? EXIT_OK : EXIT_USAGE);
    }
    console.error(`example failed: ${describeError(error)}`);
    process.exit(error instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE);
  },
);
