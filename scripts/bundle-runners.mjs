/**
 * After `tsc`: bundles the local platform's instance runners into one file each, so that an
 * instance loads one module, not a graph of them (100 cold starts at once: 1.29–1.37× the
 * bare-thread floor as a graph of ES modules, 1.21–1.22× bundled as one, 1.11–1.15× as CommonJS).
 * The worker thread's runner becomes `worker.cjs`; the node process's stays an ES module
 * (it awaits at its top level), bundled in place.
 */
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

const dir = 'dist/platforms/local';
const common = { bundle: true, platform: 'node', sourcemap: true, logLevel: 'warning' };
await build({ ...common, entryPoints: [`${dir}/worker.js`], format: 'cjs', outfile: `${dir}/worker.cjs` });
await Promise.all(['worker.js', 'worker.js.map', 'worker.d.ts'].map((file) => rm(`${dir}/${file}`, { force: true })));
await build({ ...common, entryPoints: [`${dir}/node-process-runner.js`], format: 'esm', outfile: `${dir}/node-process-runner.js`, allowOverwrite: true });
