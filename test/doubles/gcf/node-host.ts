/**
 * Serves one deployed Node.js function the way Cloud Functions does, in its own process: the
 * Functions Framework's loader reads the source directory (package.json "main", ES module or
 * CommonJS, the target export) and its server runs the function, here on a loopback port.
 * Usage: node node-host.js <source dir> <target>. Prints FALCO_DOUBLE_PORT=<port> when ready and
 * exits when its parent closes stdin.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

type HttpFunction = (request: unknown, response: unknown) => unknown;
interface Loader {
  getUserFunction(source: string, target: string, signatureType: 'http'): Promise<{ userFunction: HttpFunction } | null>;
}

const [source, target] = process.argv.slice(2);
if (!source || !target) throw new Error('usage: node-host.js <source dir> <target>');
process.stdin.on('end', () => process.exit(0)).resume();

const require = createRequire(import.meta.url);
const framework = require('@google-cloud/functions-framework') as { http(name: string, fn: HttpFunction): void };
const { getTestServer } = require('@google-cloud/functions-framework/testing') as { getTestServer(name: string): Server };
// The loader is not among the package's exports; it is what `functions-framework --source` runs.
const loader = require(join(dirname(require.resolve('@google-cloud/functions-framework')), 'loader.js')) as Loader;

const loaded = await loader.getUserFunction(source, target, 'http');
if (!loaded) process.exit(3); // the loader has printed why
framework.http(target, loaded.userFunction);
const server = getTestServer(target);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`FALCO_DOUBLE_PORT=${(server.address() as AddressInfo).port}\n`);
});
