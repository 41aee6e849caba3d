/** One server-sent event: its type (`message` unless the stream named one), its data, and the stream's last event id when it came. */
export interface ServerSentEvent {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string | undefined;
}

export interface EventHandlers {
  /** The first bytes came (the server's `: watching` comment). */
  readonly onOpen: () => void;
  readonly onEvent: (event: ServerSentEvent) => void;
  /** The stream set its reconnection time (`retry:`), in ms. */
  readonly onRetry?: (ms: number) => void;
  /** The stream's last event id changed (an `id:` line, with data or without). */
  readonly onId?: (id: string) => void;
}

/**
 * Reads a server-sent event stream as the EventSource standard does (`data`, `event`, `id`,
 * `retry` fields; comments ignored), until the stream ends or fails.
 */
export async function readEvents(body: ReadableStream<Uint8Array>, handlers: EventHandlers): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let opened = false;
  let lastEventId: string | undefined;
  for await (const chunk of body) {
    if (!opened) {
      opened = true;
      handlers.onOpen();
    }
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data: string[] = [];
      let type = 'message';
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue;
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1);
        if (field === 'data') data.push(value);
        else if (field === 'event') type = value;
        else if (field === 'id' && !value.includes('\u0000')) {
          lastEventId = value;
          handlers.onId?.(value);
        } else if (field === 'retry' && /^\d+$/.test(value)) handlers.onRetry?.(Number(value));
      }
      if (data.length > 0) handlers.onEvent({ type, data: data.join('\n'), lastEventId });
    }
  }
}
