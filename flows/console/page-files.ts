import { readFile } from 'node:fs/promises';

/**
 * The console page's files, checked in beside this module's source and shipped in the package
 * ("files" in package.json). They are read from there, three folders up from the compiled
 * dist/flows/console/, so no build step has to copy them.
 */
const PAGE_DIR = new URL('../../../flows/console/page/', import.meta.url);

const PAGE_FILES = new Map([
  ['/', { file: 'index.html', type: 'text/html; charset=utf-8' }],
  ['/console.css', { file: 'console.css', type: 'text/css; charset=utf-8' }],
  ['/console.js', { file: 'console.js', type: 'text/javascript; charset=utf-8' }],
]);

/** The page file served at `path`, or `undefined` when there is none. */
export async function pageFile(path: string): Promise<{ body: Buffer; type: string } | undefined> {
  const entry = PAGE_FILES.get(path);
  return entry && { body: await readFile(new URL(entry.file, PAGE_DIR)), type: entry.type };
}
