/**
 * The API report: every entry point's public surface, read from the built `.d.ts` (the same check
 * api-extractor makes, without it). `node dist/test/surface/api-report.js --update` (`npm run
 * api:update`) rewrites `api/<entry>.api.md`; the API report test fails when they differ.
 */
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const API_DIR = join(PACKAGE_ROOT, 'api');

/** One entry point: its specifier, the `.d.ts` it is typed by and the report it is kept in. */
export interface Entry {
  readonly specifier: string;
  readonly declarations: string;
  readonly report: string;
}

/** The package's entry points, from package.json's `exports` (a `*` entry once per platform folder that has an index). */
export async function entries(): Promise<Entry[]> {
  const manifest = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, { types: string }> };
  const found: Entry[] = [];
  for (const [subpath, { types }] of Object.entries(manifest.exports)) {
    const stars = subpath.includes('*') ? await starValues(types) : [''];
    for (const star of stars) {
      const specifier = `${manifest.name}${subpath.slice(1).replace('*', star)}`;
      found.push({ specifier, declarations: join(PACKAGE_ROOT, types.replace('*', star)), report: join(API_DIR, `${specifier.replaceAll('/', '-')}.api.md`) });
    }
  }
  return found;
}

async function starValues(types: string): Promise<string[]> {
  const [before, after] = types.split('*') as [string, string];
  const dirs = await readdir(join(PACKAGE_ROOT, before), { withFileTypes: true });
  const present = await Promise.all(dirs.filter((d) => d.isDirectory()).map(async (d) => (await access(join(PACKAGE_ROOT, before, d.name + after)).then(() => true, () => false)) ? d.name : undefined));
  return present.filter((name): name is string => name !== undefined).sort();
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** The statement that declares `node`, printed without comments. */
function printDeclaration(node: ts.Declaration): string {
  const statement = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  return printer.printNode(ts.EmitHint.Unspecified, statement, statement.getSourceFile());
}

function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
}

/** Each export of every entry, by entry: its name and its declarations as the `.d.ts` has them. */
export function surfaces(list: readonly Entry[]): Map<Entry, Map<string, string>> {
  const program = ts.createProgram(list.map((e) => e.declarations), { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ['node'], noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const result = new Map<Entry, Map<string, string>>();
  for (const entry of list) {
    const source = program.getSourceFile(entry.declarations);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`no declarations at ${entry.declarations}: build first (npx tsc -p tsconfig.json)`);
    const blocks = new Map<string, string>();
    for (const exported of checker.getExportsOfModule(module)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = (target.declarations ?? []).map(printDeclaration);
      const notes = [target.flags & ts.SymbolFlags.Value && isTypeOnlyExport(exported) ? 'exported as a type only' : '', target.name !== exported.name ? `exported as ${exported.name}` : ''].filter(Boolean);
      blocks.set(exported.name, [...notes.map((note) => `// ${note}`), ...declarations].join('\n'));
    }
    result.set(entry, new Map([...blocks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  }
  return result;
}

/** The report's text for one entry. */
export function reportText(specifier: string, blocks: ReadonlyMap<string, string>): string {
  return `# API report: \`${specifier}\`\n\n<!-- Generated from the built .d.ts by \`npm run api:update\`; do not edit. -->\n\n\`\`\`ts\n${[...blocks.values()].join('\n\n')}\n\`\`\`\n`;
}

/** The blocks of a report written by `reportText`, by the name they export. */
export function reportBlocks(text: string): Map<string, string> {
  const body = /```ts\n([\s\S]*)\n```/.exec(text)?.[1] ?? '';
  return new Map(body.split('\n\n').map((block) => [blockName(block), block]));
}

function blockName(block: string): string {
  const renamed = /^\/\/ exported as (\S+)$/m.exec(block)?.[1];
  if (renamed) return renamed;
  const declared = /^(?:export )?(?:declare )?(?:abstract )?(?:class|interface|type|function|const|let|var|enum|namespace) ([\w$]+)/m.exec(block);
  return declared?.[1] ?? block.split('\n')[0]!;
}

if (process.argv.includes('--update')) {
  await mkdir(API_DIR, { recursive: true });
  const list = await entries();
  for (const [entry, blocks] of surfaces(list)) {
    await writeFile(entry.report, reportText(entry.specifier, blocks));
    console.log(`wrote ${entry.report.slice(PACKAGE_ROOT.length)} (${blocks.size} exports)`);
  }
}
