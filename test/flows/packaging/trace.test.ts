import assert from 'node:assert/strict';
import { realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { probeImport } from '../../../bench/import-probe/index.js';
import { traceImports } from '../../../flows/packaging/trace.js';
import { DeploymentError } from '../../../src/errors.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { writeTree } from './tree.js';

const COORDINATOR_MAIN = fileURLToPath(new URL('../../../flows/code/coordinator/main.js', import.meta.url));
const FALCO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('traceImports', () => {
  const dir = suiteTempDir('falco-trace-');

  it("finds what falco's coordinator function loads: falco's files, zod, p-retry and @redis/client, and every file a real import loads", async () => {
    const trace = await traceImports([await realpath(COORDINATOR_MAIN)]);
    const names = trace.packages.map(({ name }) => name);
    for (const name of ['zod', 'p-retry', '@redis/client']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    const falco = trace.files.filter((file) => file.startsWith(FALCO_ROOT) && file.endsWith('.js'));
    assert.ok(falco.length >= 86, `${falco.length} of falco's files`);
    const loaded = await probeImport(pathToFileURL(COORDINATOR_MAIN).href);
    const traced = new Set(trace.files);
    const loadedFiles = await Promise.all(loaded.files.map((file) => realpath(file.startsWith('file:') ? fileURLToPath(file) : file)));
    assert.deepEqual(loadedFiles.filter((file) => !traced.has(file)), []);
    assert.ok(loaded.files.length > 100, `the probe saw ${loaded.files.length} files`);
    assert.ok(trace.files.includes(join(FALCO_ROOT, 'package.json')), "falco's package.json, which says its .js files are ES modules");
  });

  it("packages what falco's own modules load only when used (the YAML parser, the progress bars), without a warning", async () => {
    const entries = ['../../../flows/index.js', '../../../src/observe/index.js'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
    const trace = await traceImports(await Promise.all(entries.map((entry) => realpath(entry))));
    const names = trace.packages.map(({ name }) => name);
    for (const name of ['yaml', 'cli-progress']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    assert.deepEqual(trace.warnings.filter((warning) => warning.startsWith(FALCO_ROOT) && !warning.includes('node_modules')), []);
  });

  it('follows exports maps (conditions, patterns), imports maps, main, JSON, cycles and CommonJS requires by their own conditions', async () => {
    const root = join(dir(), 'resolution');
    await writeTree(root, {
      'app/package.json': { type: 'module', imports: { '#internal': { types: './no.d.ts', node: './internal.js' } } },
      'app/entry.js': "import { a } from './cycle-a.js';\nimport config from './config.json' with { type: 'json' };\nimport 'dual';\nimport 'dual/feature/x';\nimport '#internal';\nimport 'legacy';\nimport 'node:fs';\nimport 'path';\n",
      'app/cycle-a.js': "import { b } from './cycle-b.js';\nexport const a = 1;\n",
      'app/cycle-b.js': "import { a } from './cycle-a.js';\nexport const b = 2;\n",
      'app/config.json': '{}',
      'app/internal.js': 'export {};',
      'app/unused.js': 'export {};',
      'node_modules/dual/package.json': {
        name: 'dual',
        exports: { '.': { types: './index.d.ts', require: './cjs/index.cjs', import: { node: './esm/index.js', default: './esm/browser.js' } }, './feature/*': './features/*.js', './package.json': './package.json' },
      },
      'node_modules/dual/esm/index.js': "import './helper.js';",
      'node_modules/dual/esm/helper.js': '',
      'node_modules/dual/esm/browser.js': '',
      'node_modules/dual/cjs/index.cjs': "require('./lib');",
      'node_modules/dual/cjs/lib/index.js': '',
      'node_modules/dual/features/x.js': '',
      'node_modules/legacy/package.json': { name: 'legacy', main: 'lib/main' },
      'node_modules/legacy/lib/main.js': "module.exports = require('dual');\nrequire('./data');\n",
      'node_modules/legacy/lib/data.json': '[]',
    });
    const trace = await traceImports([await realpath(join(root, 'app/entry.js'))]);
    const real = await realpath(root);
    assert.deepEqual(trace.files.map((file) => relative(real, file)).sort(), [
      'app/config.json', 'app/cycle-a.js', 'app/cycle-b.js', 'app/entry.js', 'app/internal.js', 'app/package.json',
      'node_modules/dual/cjs/index.cjs', 'node_modules/dual/cjs/lib/index.js', 'node_modules/dual/esm/helper.js', 'node_modules/dual/esm/index.js', 'node_modules/dual/features/x.js', 'node_modules/dual/package.json',
      'node_modules/legacy/lib/data.json', 'node_modules/legacy/lib/main.js', 'node_modules/legacy/package.json',
    ]);
    assert.deepEqual(trace.packages.map(({ name, root: at }) => `${name} ${relative(real, at)}`).sort(), ['dual node_modules/dual', 'legacy node_modules/legacy']);
    assert.deepEqual(trace.warnings, []);
  });

  it('warns of computed imports, native addons and guarded requires of packages not installed, naming the file and line', async () => {
    const root = join(dir(), 'warnings');
    await writeTree(root, {
      'entry.mjs': "const plugin = await import(process.env.PLUGIN);\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\ntry { require('optional-accelerator'); } catch {}\nrequire('./addon.node');\n",
      'addon.node': 'not really a binary',
    });
    const entry = await realpath(join(root, 'entry.mjs'));
    const { warnings, files } = await traceImports([entry]);
    assert.equal(warnings.length, 3, warnings.join('\n'));
    assert.match(warnings[0]!, new RegExp(`^${entry}:1 import\\(\\) of a computed specifier is not followed: import\\(process\\.env\\.PLUGIN\\)`));
    assert.match(warnings[1]!, new RegExp(`^${entry}:4 requires "optional-accelerator", which does not resolve: no package "optional-accelerator" in any node_modules above it \\(left out: the call fails if it runs\\)$`));
    assert.match(warnings[2]!, /addon\.node: a native addon, built for this machine: it runs only where the OS, CPU and Node\.js match$/);
    assert.ok(files.includes(join(await realpath(root), 'addon.node')), 'the addon is packed all the same');
  });

  it('refuses a static import that does not resolve, naming the importer, the line and the specifier', async () => {
    const root = join(dir(), 'missing');
    await writeTree(root, {
      'package.json': { type: 'module' },
      'entry.js': "import './present.js';\n",
      'present.js': "export const x = 1;\nimport { y } from 'not-installed';\n",
      'no-extension.js': "import './present';\n",
      'not-exported.js': "import 'closed/private.js';\n",
      'node_modules/closed/package.json': { name: 'closed', exports: { '.': './index.js' } },
      'node_modules/closed/index.js': '',
    });
    const real = await realpath(root);
    await assert.rejects(traceImports([join(real, 'entry.js')]), (error: unknown) => {
      assert.ok(error instanceof DeploymentError);
      assert.equal(error.message, `${join(real, 'present.js')}:2 imports "not-installed", which does not resolve: no package "not-installed" in any node_modules above it: install it, or fix the import`);
      return true;
    });
    await assert.rejects(traceImports([join(real, 'no-extension.js')]), new RegExp(`no-extension\\.js:1 imports "\\./present", which does not resolve: no file ${join(real, 'present')}:`));
    await assert.rejects(traceImports([join(real, 'not-exported.js')]), /not-exported\.js:1 imports "closed\/private\.js", which does not resolve: package "closed" exports no "\.\/private\.js" for import \/ node \/ default/);
  });
});
