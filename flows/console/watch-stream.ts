import type { ServerResponse } from 'node:http';
import type { WorkflowService } from '../tasks/service-types.js';

/** How often an idle event stream sends a comment, so proxies keep it open and a gone client is noticed. */
const HEARTBEAT_MS = 15_000;

/**
 * Streams the service's changes to one client as server-sent events (`data: <WorkflowChange JSON>`)
 * until the client goes; resolves once the watch is stopped. The comment `: watching` says the
 * watch is in place, so a client knows it sees every change after it.
 */
export async function streamChanges(service: WorkflowService, response: ServerResponse): Promise<void> {
  const gone = new Promise<void>((resolve) => response.once('close', resolve));
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const stop = await service.watch((change) => {
    response.write(`data: ${JSON.stringify(change)}\n\n`);
  });
  response.write(': watching\n\n');
  const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
  await gone;
  clearInterval(heartbeat);
  await stop();
}
