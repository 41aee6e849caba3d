import { cleanupPlatform, createPlatform, parsePlatformName } from '../../platforms/index.js';
import type { LambdaPlatform } from '../../platforms/lambda/index.js';
import type { LocalPlatform } from '../../platforms/local/index.js';
import type { SimulatedPlatform } from '../../platforms/simulated/index.js';
import type { Platform } from '../../src/index.js';
import type { Equal, Expect } from '../../src/schema-check.js';

// The return type is the platform's own class; its options are its own.
const local = await createPlatform('local', { maxInstances: 3, isolation: 'process' });
type _Local = Expect<Equal<typeof local, LocalPlatform>>;
const simulated = await createPlatform('simulated', { latency: { distribution: 'fixed', ms: 1 }, seed: 2 });
type _Simulated = Expect<Equal<typeof simulated, SimulatedPlatform>>;
const lambda = await createPlatform('lambda', { region: 'eu-central-1', architecture: 'arm64' });
type _Lambda = Expect<Equal<typeof lambda, LambdaPlatform>>;

// @ts-expect-error: no platform is called "lcoal"
await createPlatform('lcoal');
// @ts-expect-error: the local platform's option is maxInstances
await createPlatform('local', { maxInstanses: 3 });
// @ts-expect-error: isolation is 'thread' or 'process'
await createPlatform('local', { isolation: 'container' });
// @ts-expect-error: region is an OpenWhisk option nowhere; it belongs to lambda and gcf
await createPlatform('openwhisk', { region: 'eu' });

await cleanupPlatform('lambda', { prefix: 'falco-x', region: 'eu-central-1' });
// @ts-expect-error: cleanupPlatform takes the same names
await cleanupPlatform('lamda');
// @ts-expect-error: the lambda clean-up has no maxSockets
await cleanupPlatform('lambda', { maxSockets: 3 });

// A name known only at run time is checked at run time, and its options too.
const named = await createPlatform(parsePlatformName(String(process.env.PLATFORM)), { anything: 1 });
const any: Platform = named;

export { any };
