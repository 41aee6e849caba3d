import type { Socket } from 'node:net';
import { decodeInit, decodeReply, excerpt } from './messages.js';
import { frame, FrameReader, type InitMessage, type Reply } from './protocol.js';

export interface ChannelEvents {
  /** The first message: whether the action loaded. */
  init(message: InitMessage): void;
  reply(reply: Reply): void;
  /** A frame our runners never send: the instance cannot be trusted and must be ended. */
  broken(error: Error): void;
}

/**
 * The protocol of a process instance: calls go out as frames on its fd 3, replies come back as
 * frames on its fd 4, the first of them the init message. The function's own stdin, stdout and
 * stderr are other fds, so nothing it prints can reach the protocol.
 */
export class Channel {
  readonly #requests: Socket;
  readonly #replies: Socket;
  readonly #events: ChannelEvents;
  readonly #reader = new FrameReader((payload) => this.#onFrame(payload));
  #initialised = false;
  #broken = false;

  constructor(requests: Socket, replies: Socket, events: ChannelEvents) {
    this.#requests = requests;
    this.#replies = replies;
    this.#events = events;
    requests.on('error', () => {}); // EPIPE from a process that died: its exit reports it
    replies.on('data', this.#onData);
  }

  send(args: string): void {
    this.#requests.write(frame(args));
  }

  readonly #onData = (chunk: Buffer): void => {
    try {
      this.#reader.push(chunk);
    } catch (error) {
      this.#break(error as Error);
    }
  };

  #onFrame(payload: Buffer): void {
    if (this.#broken) return;
    const text = payload.toString('utf8');
    if (this.#initialised) {
      const reply = decodeReply(text);
      if (reply) this.#events.reply(reply);
      else this.#break(new SyntaxError(`a reply of ${payload.length} bytes is not one of the runner's (${JSON.stringify(excerpt(text))})`));
      return;
    }
    this.#initialised = true;
    const init = decodeInit(text);
    if (init) this.#events.init(init);
    else this.#break(new SyntaxError(`its first message of ${payload.length} bytes is not the runner's init (${JSON.stringify(excerpt(text))})`));
  }

  #break(error: Error): void {
    if (this.#broken) return;
    this.#broken = true;
    this.#replies.off('data', this.#onData);
    this.#events.broken(error);
  }
}
