import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { entries, PACKAGE_ROOT, reportBlocks, reportText, surfaces } from './api-report.js';

/** What changed between two reports, export by export: readable where a line diff of 1,000 lines is not. */
function surfaceDiff(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const changes: string[] = [];
  for (const [name, block] of after) {
    const old = before.get(name);
    if (old === undefined) changes.push(`+ added ${name}:\n${block}`);
    else if (old !== block) changes.push(`~ changed ${name}:\n- was:\n${old}\n+ now:\n${block}`);
  }
  for (const name of before.keys()) if (!after.has(name)) changes.push(`- removed ${name}`);
  return changes;
}

describe('the API report in api/', () => {
  it("matches every entry point's surface (run `npm run api:update` when a change to it is meant)", async () => {
    const list = await entries();
    const stale: string[] = [];
    for (const [entry, blocks] of surfaces(list)) {
      const kept = await readFile(entry.report, 'utf8').catch(() => '');
      if (kept === reportText(entry.specifier, blocks)) continue;
      const changes = kept === '' ? ['(no report yet)'] : surfaceDiff(reportBlocks(kept), blocks);
      stale.push(`${entry.specifier} (${relative(PACKAGE_ROOT, entry.report)}):\n${changes.join('\n\n')}`);
    }
    assert.deepEqual(stale, [], `the public surface changed; review it and run \`npm run api:update\`:\n\n${stale.join('\n\n')}`);
  });

  it('names what changed, export by export', () => {
    const before = reportBlocks(reportText('falco', new Map([['a', 'export declare const a: number;'], ['B', 'export interface B {\n    x: string;\n}']])));
    const after = new Map([['B', 'export interface B {\n    x: number;\n}'], ['c', 'export declare function c(): void;']]);
    assert.deepEqual(surfaceDiff(before, after), [
      '~ changed B:\n- was:\nexport interface B {\n    x: string;\n}\n+ now:\nexport interface B {\n    x: number;\n}',
      '+ added c:\nexport declare function c(): void;',
      '- removed a',
    ]);
  });
});
