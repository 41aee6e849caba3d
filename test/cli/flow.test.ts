import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileFlowFile, mermaidOf } from '../../flows/littleflow/index.js';
import { falco } from '../helpers/falco-cli.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { fixture } from '../flows/littleflow/fixtures.js';

describe('falco flow check', () => {
  const dir = suiteTempDir('falco-flow-check-');

  it('prints the graph as a mermaid stateDiagram-v2, and with --subflows as the spec draws it', async () => {
    const file = fixture('spec/example-7.flow');
    const plain = await falco(['flow', 'check', file], dir());
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, mermaidOf(compileFlowFile(file)));
    const drawn = await falco(['flow', 'check', '--subflows', file], dir());
    assert.match(drawn.stdout, /^stateDiagram-v2\n {2}direction LR\n {2}state "A" as A\.1\n {2}state _start_2_ <<fork>>\n/);
    assert.match(drawn.stdout, / {2}_end_5_-->D\.6\n {2}D\.6-->\[\*\]\n$/);
  });

  it('prints the FlowGraph with --json', async () => {
    const { code, stdout } = await falco(['flow', 'check', '--json', fixture('declarations.flow')], dir());
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), compileFlowFile(fixture('declarations.flow')));
  });

  it('prints a syntax error with its place, the line and a caret, and exits 2', async () => {
    const file = join(dir(), 'pipeline.flow');
    await writeFile(file, '@flow pipeline\nextract → load\ntransforms → ;\n');
    const { code, stdout, stderr } = await falco(['flow', 'check', file], dir());
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, `falco: FlowSyntaxError: ${file}:3:14: expected a task name or label after "→", found ";"\n  transforms → ;\n               ^\n`);
  });

  it('exits 2 for a semantic error and for a file that is not there', async () => {
    const semantic = await falco(['flow', 'check', fixture('errors/same-output-label.flow')], dir());
    assert.equal(semantic.code, 2);
    assert.match(semantic.stderr, /FlowSemanticError: .*same-output-label\.flow:1:14: output label ":x" is already used at 1:3/);
    const missing = await falco(['flow', 'check', join(dir(), 'nothing.flow')], dir());
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /ConfigError: cannot read the flow file .*nothing\.flow/);
  });
});
