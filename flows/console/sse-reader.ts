/**
 * Reads a server-sent event stream: calls `onOpen` at the first bytes (the server's `: watching`
 * comment) and `onData` with the `data` of each event, until the stream ends or fails.
 */
export async function readEvents(body: ReadableStream<Uint8Array>, onOpen: () => void, onData: (data: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let opened = false;
  for await (const chunk of body) {
    if (!opened) {
      opened = true;
      onOpen();
    }
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
      if (data.length > 0) onData(data.join('\n'));
    }
  }
}
