/**
 * Runs as a node process of its own: one instance of a Node.js action under `isolation: 'process'`
 * (see node-process-instance.ts). It speaks the frames of protocol.ts, as the Python runner does:
 * calls in on fd 3, replies out on fd 4. `node node-process-runner.js entry entryPoint`.
 */
import { Socket } from 'node:net';
import { answer, loadAction } from './node-action.js';
import { frame, FrameReader } from './protocol.js';

const [entry, entryPoint] = process.argv.slice(2) as [string, string];
const requests = new Socket({ fd: 3, readable: true, writable: false });
const replies = new Socket({ fd: 4, readable: false, writable: true });
const { main, init } = await loadAction(entry, entryPoint);
replies.write(frame(init));
if (main) {
  const reader = new FrameReader((payload) => void answer(main, payload.toString('utf8')).then((reply) => replies.write(frame(reply))));
  requests.on('data', (chunk: Buffer) => reader.push(chunk));
  // The host is gone (or ended us): nobody will read another answer.
  requests.on('end', () => process.exit(0));
} else {
  replies.end(() => process.exit(1));
}
