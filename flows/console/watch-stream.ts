import type { ServerResponse } from 'node:http';
import type { ChangeFeed, FeedEntry } from './change-feed.js';

/** How often an idle event stream sends a comment, so proxies keep it open and a gone client is noticed. */
export const HEARTBEAT_MS = 15_000;
/** How long a client waits before it reconnects (the stream's `retry:`), in ms. */
export const RETRY_MS = 1_000;

/**
 * Streams the feed to one client as server-sent events until the client goes: each change as
 * `id: <id>` and `data: <WorkflowUpdate JSON>`, a snapshot as `event: snapshot`. A client that sends
 * `Last-Event-ID` is first sent what it missed (or a snapshot). The comment `: watching` says the
 * watch is in place; the id after it is where a reconnect resumes if no change came before.
 */
export async function streamChanges(feed: ChangeFeed, lastEventId: string | undefined, response: ServerResponse, heartbeatMs = HEARTBEAT_MS): Promise<void> {
  const gone = new Promise<void>((resolve) => response.once('close', resolve));
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.write(`: watching\nretry: ${RETRY_MS}\nid: ${lastEventId ?? feed.lastId}\n\n`);
  const stop = await feed.follow(lastEventId, (entry) => response.write(eventText(entry)));
  const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), heartbeatMs);
  await gone;
  clearInterval(heartbeat);
  stop();
}

function eventText({ id, update }: FeedEntry): string {
  return `${update.kind === 'snapshot' ? 'event: snapshot\n' : ''}id: ${id}\ndata: ${JSON.stringify(update)}\n\n`;
}
