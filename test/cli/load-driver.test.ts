import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDriver } from '../../cli/load-driver.js';
import { ConfigError, Driver } from '../../src/index.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

const core = new URL('../../src/index.js', import.meta.url).href;
const DRIVER = `import { Driver } from ${JSON.stringify(core)};
class Echo extends Driver { runtime() { return { makeDeployment() {}, invocationPayload: () => [] }; } }`;

describe('loadDriver', () => {
  const dir = suiteTempDir('falco-modules-');

  const module = async (name: string, source: string): Promise<string> => {
    const path = join(dir(), `${name}.mjs`);
    await writeFile(path, source);
    return path;
  };

  it('takes an exported instance as it is', async () => {
    const path = await module('instance', `${DRIVER}\nexport const driver = new Echo();\nexport const other = 1;`);
    assert.ok((await loadDriver(path)) instanceof Driver);
  });

  it('prefers the default export among several Drivers, and asks for one when there is none', async () => {
    const preferred = await module('preferred', `${DRIVER}\nexport class A extends Echo {}\nexport default class B extends Echo {}`);
    assert.equal((await loadDriver(preferred)).constructor.name, 'B');
    const several = await module('several', `${DRIVER}\nexport class A extends Echo {}\nexport class B extends Echo {}`);
    await assert.rejects(loadDriver(several), (error: Error) => error instanceof ConfigError && /exports several Drivers \(A, B\): make the one to run its default export/.test(error.message));
  });

  it('does not take the base class for a driver, and recognises a Driver of another copy of falco by its shape', async () => {
    const base = await module('base', `export { Driver } from ${JSON.stringify(core)};`);
    await assert.rejects(loadDriver(base), /exports no Driver.*; it exports Driver/);
    const foreign = await module(
      'foreign',
      `export default class Foreign { runtime() {} run() {} deploy() {} execute() {} remove() {} }`,
    );
    assert.equal((await loadDriver(foreign)).constructor.name, 'Foreign');
  });

  it('says when a Driver cannot be constructed without arguments, or the module does not load', async () => {
    const needy = await module('needy', `${DRIVER}\nexport default class Needy extends Echo { constructor(n) { super(); if (n === undefined) throw new Error('n is required'); } }`);
    await assert.rejects(loadDriver(needy), /could not construct its default export with no arguments: n is required/);
    const broken = await module('broken', 'export default class {');
    await assert.rejects(loadDriver(broken), (error: Error) => error instanceof ConfigError && /could not be loaded: /.test(error.message));
    const typescript = join(dir(), 'driver.ts');
    await writeFile(typescript, 'export enum Kind { A }'); // not loadable as is, whether or not this Node strips types
    await assert.rejects(loadDriver(typescript), /compile it to JavaScript first, or run falco under a TypeScript loader/);
  });
});
