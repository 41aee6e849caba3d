/** Runs inside a worker thread: one instance of a Node.js action. See node-instance.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { trackChildren } from './children.js';
import { STOP_WORKER, type WorkerData } from './worker-contract.js';
import { answer, loadAction } from './node-action.js';

if (!parentPort) throw new Error('the local platform\'s worker runner (worker.cjs) runs only as a worker thread of the local platform');
const { entry, entryPoint, logs, children, port } = workerData as WorkerData;
// The launcher thread started this worker; the host speaks to it on `port`. What the function
// posts on parentPort goes the same way, in order with the replies, so the host sees it for what it is.
parentPort.postMessage = port.postMessage.bind(port);
trackChildren(children);
port.on('message', (message: unknown) => {
  if (message === STOP_WORKER) process.exit(0);
});
if (logs === 'ignore') {
  discard(process.stdout);
  discard(process.stderr);
}

// No top-level await: the runner is bundled as CommonJS, which starts faster than an ES module.
void loadAction(entry, entryPoint).then(({ main, init }) => {
  if (main) port.on('message', (args: string | typeof STOP_WORKER) => void (args !== STOP_WORKER && answer(main, args).then((reply) => port.postMessage(reply))));
  port.postMessage(init);
});

/** Makes a stream drop what is written to it, so that nothing crosses to the host only to be thrown away. */
function discard(stream: NodeJS.WriteStream): void {
  stream.write = ((...args: unknown[]): boolean => {
    const callback = args.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback) process.nextTick(callback);
    return true;
  }) as typeof stream.write;
}
