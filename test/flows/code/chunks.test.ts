import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defineWorkflow, NonDeterminismError, runCodeWorkflow, WorkflowWorker, type Chunk, type ReduceInput } from '../../../flows/index.js';
import { createPlatform } from '../../../platforms/index.js';
import { ConfigError, deployable, type Platform } from '../../../src/index.js';
import { MemoryWorkflowLog, MemoryWorkspaceStore } from '../../../stores/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { eventually } from '../stream-reading.js';
import { counted } from './functions.js';

interface Counted {
  readonly lines: number;
  readonly sum: number;
}

/** Reads its chunk's bytes and adds up the numbers on its lines; with a `counter` file, first appends its idempotency key to it. */
function chunkSummer(counter: string) {
  return deployable<Chunk, Counted>({
    runtime: 'nodejs:20',
    name: 'chunk-sum',
    params: { counter },
    code: {
      source:
        "const fs = require('node:fs');\n" +
        'function main({ path, start, end, counter, idempotencyKey }) {\n' +
        "  fs.appendFileSync(counter, idempotencyKey + '\\n');\n" +
        '  const fd = fs.openSync(path, "r");\n' +
        '  const bytes = Buffer.alloc(end - start);\n' +
        '  fs.readSync(fd, bytes, 0, end - start, start);\n' +
        '  fs.closeSync(fd);\n' +
        "  const lines = bytes.toString('utf8').split('\\n').filter(Boolean);\n" +
        '  return { lines: lines.length, sum: lines.reduce((total, line) => total + Number(line), 0) };\n' +
        '}\n',
    },
  });
}

const total = deployable<ReduceInput<Counted>, Counted>({
  runtime: 'nodejs:20',
  name: 'chunk-total',
  code: { source: 'function main({ results }) { return { lines: results.reduce((t, r) => t + r.lines, 0), sum: results.reduce((t, r) => t + r.sum, 0) }; }' },
});

/** The numbers 1..n, one per line. */
function numbersFile(path: string, n: number): string {
  writeFileSync(path, Array.from({ length: n }, (_, i) => `${i + 1}\n`).join(''));
  return path;
}

describe('maps over files in workflows as code: chunkSize and chunkCount', () => {
  const dir = suiteTempDir('falco-code-chunks-');
  let platform: Platform;
  before(async () => {
    platform = await createPlatform('local');
  });
  after(async () => {
    await platform.close();
  });

  it('splits { files } into chunks of whole lines, one call per chunk, for map (chunkSize) and mapReduce (chunkCount)', async () => {
    const file = numbersFile(join(dir(), 'numbers.txt'), 100);
    const counter = join(dir(), 'counter');
    const summer = chunkSummer(counter);
    const flow = defineWorkflow('chunks', async (ctx, input: { file: string }) => {
      const mapped = await Promise.all(ctx.map(summer, { files: input.file }, { chunkSize: 64 }).map((future) => future.result()));
      const reduced = await ctx.mapReduce(summer, { files: [input.file, input.file] }, total, { chunkCount: 3 }).result();
      return { chunks: mapped.length, lines: mapped.reduce((t, m) => t + m.lines, 0), sum: mapped.reduce((t, m) => t + m.sum, 0), reduced };
    });
    const outcome = await runCodeWorkflow(flow, { file }, { platform, runId: 'chunks-1' });
    const size = readFileSync(file).length;
    assert.deepEqual(outcome.status === 'succeeded' && outcome.output, { chunks: Math.ceil(size / 64), lines: 100, sum: 5050, reduced: { lines: 200, sum: 10100 } });
    const ran = counted(counter);
    assert.equal(ran.filter((key) => key.startsWith('chunks-1/M000/')).length, Math.ceil(size / 64), 'one call per chunk of about 64 bytes');
    assert.equal(ran.filter((key) => key.startsWith('chunks-1/R001/')).length, 6, 'three chunks per file');
  });

  it('replays a map over files from its log; a file changed since the run began is a NonDeterminismError naming the position', async () => {
    const file = numbersFile(join(dir(), 'replayed.txt'), 50);
    const counter = join(dir(), 'replay-counter');
    const summer = chunkSummer(counter);
    const flow = defineWorkflow('replayed', async (ctx, input: { file: string }) => {
      const parts = await Promise.all(ctx.map(summer, { files: input.file }, { chunkCount: 4 }).map((future) => future.result()));
      await ctx.waitForEvent({ type: 'go' });
      return parts.reduce((t, p) => t + p.sum, 0);
    });
    const store = new MemoryWorkspaceStore();
    const log = new MemoryWorkflowLog();
    const first = new WorkflowWorker({ store, log, platform });
    await first.start(flow, { file }, { runId: 'replayed-1' });
    await eventually(async () => (await store.getTrigger('replayed-1', 'event:E001')) !== undefined, 'the run waits for its event');
    await first.stop();
    assert.equal(counted(counter).length, 4);

    // The same file: the replay answers the chunks from the log and runs nothing again.
    const again = new WorkflowWorker({ store, log, platform, workflows: [flow] });
    const resumed = await again.resume('replayed-1');
    await eventually(async () => (await store.getTrigger('replayed-1', 'event:E001')) !== undefined, 'the replay waits for the event again');
    await again.stop();
    assert.equal(counted(counter).length, 4, 'no chunk ran again');
    void resumed.outcome.catch(() => {});

    appendFileSync(file, '51\n');
    const changed = new WorkflowWorker({ store, log, platform, workflows: [flow] });
    await assert.rejects(
      (await changed.resume('replayed-1')).outcome,
      (error: unknown) => error instanceof NonDeterminismError && error.position === 'M000' && /a file changed since the run began/.test(error.message),
    );
    await changed.stop();
    await store.close();
  });

  it('refuses chunk options on a list, and inputs that are neither a list nor { files }', async () => {
    const summer = chunkSummer(join(dir(), 'never'));
    const listed = defineWorkflow('listed', async (ctx) => ctx.map(summer, [{ path: 'x', start: 0, end: 0, part: 0 }], { chunkSize: 10 }).length);
    const listedOutcome = await runCodeWorkflow(listed, undefined, { platform });
    assert.equal(listedOutcome.status === 'failed' && listedOutcome.error.name, ConfigError.name);
    assert.match(listedOutcome.status === 'failed' ? listedOutcome.error.message : '', /M000: map: chunkSize and chunkCount split files/);
    const missing = defineWorkflow('missing', async (ctx) => ctx.map(summer, { files: join(dir(), 'nowhere.txt') }).length);
    const missingOutcome = await runCodeWorkflow(missing, undefined, { platform });
    assert.match(missingOutcome.status === 'failed' ? missingOutcome.error.message : '', /partition: cannot read ".*nowhere\.txt"/);
  });
});
