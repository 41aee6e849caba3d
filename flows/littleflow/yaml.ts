import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The YAML parser, loaded with the first YAML literal or resource rather than with every import of
 * `falco/flows`. yaml's Node build is CommonJS, so this is the very module `import` would give; the
 * literal `require('yaml')` is what lets the import tracer package it.
 */
export function yaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}
