import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

// Loaded with `--import` by the probe: records the ES modules (through the hooks) and, at exit, the
// CommonJS modules (from require's cache) that the process loaded, in $FALCO_IMPORT_PROBE_OUT.
const out = process.env['FALCO_IMPORT_PROBE_OUT'];
if (out) {
  register('./hooks.js', import.meta.url, { data: { out } });
  const cache = createRequire(import.meta.url).cache;
  process.once('exit', () => {
    appendFileSync(out, Object.keys(cache).map((file) => `${pathToFileURL(file).href}\n`).join(''));
  });
}
