import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanImports } from '../../../flows/packaging/scan-imports.js';

const specifiers = (source: string) => scanImports(source).imports.map(({ specifier, kind }) => `${kind} ${specifier}`);

describe('scanImports', () => {
  it('finds every form of static import and re-export, import() and require() of literals', () => {
    const source = [
      "import a from './a.js';",
      "import * as b from 'b';",
      "import { c, d as e } from \"@scope/c/sub\";",
      "import f, { g } from './f.js'",
      "import './side-effect.js';",
      "import data from './data.json' with { type: 'json' };",
      "export * from './all.js';",
      "export * as ns from './ns.js';",
      "export { h } from './h.js';",
      'export {\n  i,\n  j as k,\n} from "./multi-line.js";',
      "const lazy = await import('./lazy.js');",
      'const tpl = import(`./template.js`);',
      "const cjs = require('cjs');",
    ].join('\n');
    assert.deepEqual(specifiers(source), [
      'static ./a.js', 'static b', 'static @scope/c/sub', 'static ./f.js', 'static ./side-effect.js', 'static ./data.json',
      'static ./all.js', 'static ./ns.js', 'static ./h.js', 'static ./multi-line.js', 'dynamic ./lazy.js', 'dynamic ./template.js', 'require cjs',
    ]);
  });

  it('takes nothing from comments, strings, templates and regular expressions, nor from import.meta or a plain export', () => {
    const source = [
      "// import 'in-a-line-comment';",
      "/* import 'in-a-block-comment'; require('nor-here') */",
      "const s = \"import 'in-a-string'\" + 'require(\\'escaped\\')';",
      'const t = `import(\'in-a-template\') ${ "x" + `nested ${ require("in-a-substitution") }` } import "after"`;',
      "const r = /import 'in-a-regex'[/]/g.test(x) ? a / b / c : 0;",
      'const url = import.meta.url;',
      'export { local };',
      'export const x = 1;',
      'obj.require("a-method-call");',
      "const o = { import: 'key' };",
      "import 'real';",
    ].join('\n');
    assert.deepEqual(specifiers(source), ['require in-a-substitution', 'static real']);
  });

  it('lists import() and require() of computed specifiers with their line, and ignores a require of the file\'s own', () => {
    const scanned = scanImports("const a = 1;\nawait import(name);\nrequire(`./${x}.js`);\nimport(`./fixed.js`);\n");
    assert.deepEqual(scanned.computed.map(({ kind, line, text }) => `${kind}@${line}: ${text}`), ['dynamic@2: import(name);', 'require@3: require(`./${x}.js`);']);
    const own = scanImports("class Run { require(states, operation) { return states; } check() { this.require(['a'], 'b'); require(list); } }\nrequire('still-followed');");
    assert.deepEqual(own.computed, []);
    assert.deepEqual(own.imports.map(({ specifier }) => specifier), ['still-followed']);
  });
});
