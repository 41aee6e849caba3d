/**
 * `npm run bench [-- --quick] [-- --only NAME]`: every benchmark prints its figures next to a
 * baseline measured in the same process and run, and the ratio between them.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { codeReplay } from './cases/code-replay.js';
import { congestion } from './cases/congestion.js';
import { executorOverhead } from './cases/executor-overhead.js';
import { flowCompile } from './cases/flow-compile.js';
import { futuresMap } from './cases/futures-map.js';
import { httpInvoke } from './cases/http-invoke.js';
import { importCost } from './cases/import-cost.js';
import { joinLatency } from './cases/join-latency.js';
import { localColdStart, localMemory, localThroughput } from './cases/local-platform.js';
import { makespan } from './cases/makespan.js';
import { payloads } from './cases/payloads.js';
import { pipelineBench } from './cases/pipeline.js';
import { pipelineState } from './cases/pipeline-state.js';
import { redisEvents } from './cases/redis-events.js';
import { scale } from './cases/scale.js';
import { speculationBench } from './cases/speculation.js';
import { taskDispatch } from './cases/task-dispatch.js';
import { triggerEngine } from './cases/trigger-engine.js';
import { printTable, type Benchmark, type Row } from './report.js';

const benchmarks: Benchmark[] = [executorOverhead, makespan, speculationBench, congestion, localThroughput, localColdStart, localMemory, payloads, httpInvoke, scale, redisEvents, triggerEngine, joinLatency, futuresMap, codeReplay, taskDispatch, flowCompile, pipelineBench, pipelineState, importCost];

const options = new Command('bench')
  .option('--quick', 'every benchmark at a small size (CI runs this so the benchmarks never rot)')
  .option('--only <names...>', `run only these: ${benchmarks.map((b) => `"${b.name}"`).join(', ')}`)
  .option('--rows', 'print the rows as JSON instead of the table, each benchmark in this process (how a benchmark that needs a process of its own is run)')
  .parse()
  .opts<{ quick?: boolean; only?: string[]; rows?: boolean }>();

/** Runs one benchmark in a fresh node (this script with `--rows`) and takes its rows back. */
async function inOwnProcess(benchmark: Benchmark): Promise<Row[]> {
  const args = ['--expose-gc', fileURLToPath(import.meta.url), '--rows', '--only', benchmark.name, ...(options.quick ? ['--quick'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`benchmark "${benchmark.name}" in its own process exited with code ${String(code)}`);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Row[];
}

const selected = options.only ? benchmarks.filter((b) => options.only!.includes(b.name)) : benchmarks;
if (selected.length === 0) {
  console.error(`no benchmark named ${options.only?.join(', ')}`);
  process.exit(2);
}
const rows: Row[] = [];
for (const benchmark of selected) {
  if (!options.rows) process.stderr.write(`running ${benchmark.name}${options.quick ? ' (quick)' : ''}...\n`);
  rows.push(...(benchmark.ownProcess && !options.rows ? await inOwnProcess(benchmark) : await benchmark.run({ quick: options.quick === true })));
}
if (options.rows) {
  process.stdout.write(JSON.stringify(rows));
} else {
  console.log(`\nfalco benchmarks, ${options.quick ? 'quick mode' : 'full size'}, node ${process.version}, ${(await import('node:os')).availableParallelism()} CPUs\n`);
  printTable(rows);
}
