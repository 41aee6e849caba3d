import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { compileFlow } from '../../../flows/littleflow/index.js';
import { falco } from '../../helpers/falco-cli.js';
import { PACKAGE_ROOT as root, packageTempDir, readmeSection } from '../../helpers/readme.js';

/** The README section's fenced blocks of one language, in order. */
async function blocks(language: string): Promise<string[]> {
  const section = await readmeSection('Littleflow `.flow` files');
  return [...section.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(([, body]) => body!);
}

describe('the README section "Littleflow .flow files"', () => {
  const temp = packageTempDir('.readme-flow-');

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
    const file = join(temp(), 'example.mjs');
    await writeFile(file, code!.replaceAll('!.', '.'));
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: root });
    assert.deepEqual(stdout.trim().split('\n'), [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(([, line]) => line!));
  });
});
