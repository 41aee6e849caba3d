import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** Every package a module loads, following its relative imports (static and dynamic) through the build. */
function packagesLoadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/(?:from\s*|import\s+)'([^']+)'/g)) {
      if (specifier!.startsWith('.')) visit(resolve(dirname(file), specifier!));
      else packages.add(specifier!);
    }
  };
  visit(entry);
  return packages;
}

describe('store entry points', () => {
  it("falco/stores never loads @redis/client; falco/stores/redis does", () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    assert.ok(!packagesLoadedBy(resolve(root, 'stores/index.js')).has('@redis/client'));
    assert.ok(packagesLoadedBy(resolve(root, 'stores/redis/index.js')).has('@redis/client'));
    const exports = (JSON.parse(readFileSync(resolve(root, '../package.json'), 'utf8')) as { exports: Record<string, { default: string }> }).exports;
    assert.equal(exports['./stores/redis']?.default, './dist/stores/redis/index.js');
  });
});
