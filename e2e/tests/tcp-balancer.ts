import net from 'node:net';

/**
 * A minimal TCP load balancer for tests: each incoming connection goes to the current target
 * backend, or to the next one that accepts when the target is down (as a real balancer with health
 * checks would). Connections are sticky by nature, so socket.io (HTTP and WebSocket) works through it.
 */
export class TcpBalancer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  target = 0;

  constructor(
    readonly port: number,
    private readonly backends: number[],
  ) {}

  get url(): string {
    return `http://localhost:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = net.createServer((client) => this.route(client, 0));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private route(client: net.Socket, attempt: number): void {
    if (attempt >= this.backends.length) {
      client.destroy();
      return;
    }
    const port = this.backends[(this.target + attempt) % this.backends.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    upstream.once('connect', () => {
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.once('close', close).once('error', close);
      upstream.once('close', close).once('error', close);
    });
    upstream.once('error', () => {
      if (!upstream.readyState || upstream.connecting) this.route(client, attempt + 1);
    });
  }
}
