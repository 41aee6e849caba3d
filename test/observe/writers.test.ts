import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { LineSink } from '../../src/observe/line-sink.js';
import { ConfigError, type Invocation } from '../../src/index.js';
import { createRecordWriter, CSV_COLUMNS, CsvWriter, JsonLinesWriter, readRecords, RunStats } from '../../src/observe/index.js';
import { simulatedRun } from './runs.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

/** RFC 4180, the reading side: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('record writers', () => {
  const dir = suiteTempDir('falco-records-');

  it('stream JSON lines and CSV as invocations end, with every timing field, and read back to the same summary', async () => {
    const jsonl = join(dir(), 'run.jsonl');
    const csv = join(dir(), 'run.csv');
    const writers = [createRecordWriter(jsonl), createRecordWriter(csv)];
    let live!: RunStats;
    const { records, driver } = await simulatedRun((d) => {
      writers.forEach((w) => w.attach(d.events));
      live = new RunStats();
      live.attach(d.events);
    });
    await Promise.all(writers.map((w) => w.close()));
    const deployment = driver.results[0]!.deployment;

    const lines = (await readFile(jsonl, 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, records.length);
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const line of lines) {
      const { runId, platform, deployment: name, memoryMB, ...record } = JSON.parse(line) as Invocation & Record<string, unknown>;
      assert.deepEqual(record, JSON.parse(JSON.stringify(byId.get(record.id))), 'the record exactly as falco keeps it');
      assert.deepEqual({ runId, platform, name, memoryMB }, { runId: 'test-run', platform: 'simulated', name: deployment, memoryMB: 256 });
    }

    const offline = new RunStats();
    for await (const { invocation, info } of readRecords(jsonl)) offline.add(invocation, info);
    // The records do not say how the run ended; everything else is the same.
    const { outcome, ...watched } = live.summary();
    assert.equal(outcome?.status, 'completed');
    assert.deepEqual(offline.summary(), watched, 'a summary from the file equals the live one');

    const rows = parseCsv(await readFile(csv, 'utf8'));
    assert.deepEqual(rows[0], CSV_COLUMNS.map((c) => c.name));
    assert.equal(rows.length, records.length + 1);
    const column = (name: string): number => rows[0]!.indexOf(name);
    for (const row of rows.slice(1)) {
      const record = byId.get(row[column('id')]!)!;
      const last = record.status === 'succeeded' ? record.attempts.filter((a) => !a.errorClass).at(-1)! : record.attempts.at(-1)!;
      assert.equal(row[column('status')], record.status);
      assert.equal(Number(row[column('attempts')]), record.attempts.length);
      assert.equal(Number(row[column('retries')]), record.attempts.length - 1);
      assert.equal(Number(row[column('ended_at')]), last.endedAt);
      assert.equal(Number(row[column('first_submitted_at')]), record.attempts[0]!.submittedAt);
      assert.equal(row[column('activation_id')], last.activationId);
      assert.equal(row[column('cold_start')], String(last.coldStart));
      assert.equal(row[column('error')], record.error?.message ?? '', 'messages with quotes survive the quoting');
    }
    assert.ok(rows.some((row) => row[column('error')]!.includes('"')), 'the seeded function errors quote the invocation id');
  });

  it('quotes CSV fields with commas, quotes and line breaks', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    const writer = new CsvWriter(sink);
    writer.write({
      id: 'a,b',
      phase: 'p',
      input: {},
      status: 'failed',
      attempts: [{ attempt: 1, submittedAt: 1, endedAt: 2, errorClass: 'function', error: 'x' }],
      error: { class: 'function', name: 'FunctionError', message: 'he said "no",\r\nthen left' },
    });
    await writer.close();
    const rows = parseCsv(chunks.join(''));
    const row = rows[1]!;
    assert.equal(row[CSV_COLUMNS.findIndex((c) => c.name === 'id')], 'a,b');
    assert.equal(row[CSV_COLUMNS.findIndex((c) => c.name === 'error')], 'he said "no",\r\nthen left');
    assert.equal(row.length, CSV_COLUMNS.length);
  });

  it('waits for drain when the stream is full, and close() flushes everything in order', async () => {
    const received: string[] = [];
    let writesWhileFull = 0;
    let full = false;
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk, _encoding, done) {
        received.push(String(chunk));
        setTimeout(done, 1);
      },
    });
    const write = slow.write.bind(slow);
    slow.write = ((chunk: string) => {
      if (full) writesWhileFull++;
      const ok = write(chunk);
      full = !ok;
      return ok;
    }) as typeof slow.write;
    slow.on('drain', () => (full = false));
    const sink = new LineSink(slow);
    const expected: string[] = [];
    for (let i = 0; i < 500; i++) {
      const line = `line ${i} ${'x'.repeat(20)}\n`;
      expected.push(line);
      sink.write(line);
    }
    await sink.close();
    assert.equal(writesWhileFull, 0, 'nothing is written to a full stream');
    assert.equal(received.join(''), expected.join(''));
    assert.ok(received.length < 500, 'lines queued during backpressure go out as one chunk');
  });

  it('reports a write error on close()', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('disk full'));
      },
    });
    const writer = new JsonLinesWriter(broken);
    writer.write({ id: 'a', phase: 'p', input: {}, status: 'succeeded', attempts: [] });
    await assert.rejects(writer.close(), /disk full/);
  });

  it('picks the format by extension and refuses others', async () => {
    assert.throws(() => createRecordWriter(join(dir(), 'run.txt')), ConfigError);
    const writer = createRecordWriter(join(dir(), 'upper.CSV'));
    assert.ok(writer instanceof CsvWriter);
    await writer.close();
  });

  it('names the file and line of a line that is not a record', async () => {
    const path = join(dir(), 'bad.jsonl');
    const writer = new JsonLinesWriter(path);
    writer.write({ id: 'a', phase: 'p', input: {}, status: 'succeeded', attempts: [] });
    await writer.close();
    const { appendFile } = await import('node:fs/promises');
    await appendFile(path, '{"hello": 1}\n');
    const read = async (): Promise<void> => {
      for await (const _ of readRecords(path));
    };
    await assert.rejects(read(), (error: Error) => error instanceof ConfigError && error.message.includes('bad.jsonl:2'));
  });
});
