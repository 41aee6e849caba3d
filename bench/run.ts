/**
 * `npm run bench [-- --quick] [-- --only NAME]`: every benchmark prints its figures next to a
 * baseline measured in the same process and run, and the ratio between them.
 */
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
  .parse()
  .opts<{ quick?: boolean; only?: string[] }>();

const selected = options.only ? benchmarks.filter((b) => options.only!.includes(b.name)) : benchmarks;
if (selected.length === 0) {
  console.error(`no benchmark named ${options.only?.join(', ')}`);
  process.exit(2);
}
const rows: Row[] = [];
for (const benchmark of selected) {
  process.stderr.write(`running ${benchmark.name}${options.quick ? ' (quick)' : ''}...\n`);
  rows.push(...(await benchmark.run({ quick: options.quick === true })));
}
console.log(`\nfalco benchmarks, ${options.quick ? 'quick mode' : 'full size'}, node ${process.version}, ${(await import('node:os')).availableParallelism()} CPUs\n`);
printTable(rows);
