import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compileFlow } from '../../../flows/littleflow/index.js';
import { falco } from '../../helpers/falco-cli.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The README section's fenced blocks of one language, in order. */
async function blocks(language: string): Promise<string[]> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Littleflow `.flow` files');
  assert.ok(start >= 0, 'the README has a section "Littleflow `.flow` files"');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(([, body]) => body!);
}

describe('the README section "Littleflow .flow files"', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(root, 'dist', '.readme-flow-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('shows example/littleflow/nightly.flow as it is, and what falco flow check prints for it', async () => {
    const [flow] = await blocks('flow');
    assert.equal(flow, await readFile(join(root, 'example/littleflow/nightly.flow'), 'utf8'));
    const [command] = await blocks('sh');
    const [printed, error] = await blocks('text');
    const { code, stdout } = await falco(command!.trim().split(' ').slice(2), root);
    assert.equal(code, 0);
    assert.equal(stdout, printed);
    assert.throws(() => compileFlow('@flow pipeline\nextract → load\ntransforms → ;\n', { file: 'pipeline.flow' }), (e: unknown) => e instanceof Error && `${e.message}\n` === error);
  });

  it('runs its code as written and prints what its comments say', async () => {
    const [code] = await blocks('ts');
    const file = join(dir, 'example.mjs');
    await writeFile(file, code!.replaceAll('!.', '.'));
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: root });
    assert.deepEqual(stdout.trim().split('\n'), [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(([, line]) => line!));
  });
});
