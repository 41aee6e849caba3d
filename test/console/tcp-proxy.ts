import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback to a server: a test kills it (closes its listener and every socket, as a
 * dying server or proxy would) and starts it again on the same port, while the server behind it lives on.
 */
export class TcpProxy {
  readonly #targetPort: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;
  /** Connections accepted so far. */
  connections = 0;
  /** Requests of the event stream (`GET /api/watch`) that came through. */
  watches = 0;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await proxy.restart();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens again, on the port it had (a free one the first time). */
  async restart(): Promise<void> {
    const server = createServer((socket) => {
      this.connections++;
      const upstream = createConnection({ host: '127.0.0.1', port: this.#targetPort });
      for (const end of [socket, upstream]) {
        this.#sockets.add(end);
        end.on('close', () => this.#sockets.delete(end));
        end.on('error', () => {});
      }
      socket.on('data', (chunk: Buffer) => {
        if (chunk.toString('latin1').startsWith('GET /api/watch')) this.watches++;
      });
      socket.pipe(upstream).pipe(socket);
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  /** Stops listening and destroys every connection through it. */
  async kill(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
