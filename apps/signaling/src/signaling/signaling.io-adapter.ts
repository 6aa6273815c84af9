import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { LIMITS } from '@meshmeet/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/config.schema.js';
import { allowedOrigins, clientAddress, ConnectionCounter, isOriginAllowed, proxyTrust } from '../limits/connection-policy.js';
import type { MetricsService } from '../metrics/metrics.service.js';
import type { RedisConnections } from '../redis/redis.module.js';
import { randomBase64Url } from '../common/random.js';
import { signalingParser } from './signaling.parser.js';

/** The parts of an engine.io socket the outbound bound needs. */
interface EngineSocket {
  request: IncomingMessage;
  transport: { socket?: { bufferedAmount?: number } };
  /** Packets waiting for the transport (emptied when engine.io flushes them). */
  writeBuffer: readonly { data?: unknown }[];
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  close(discard?: boolean): void;
}

const sizeOf = (data: unknown): number =>
  typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.length : data instanceof ArrayBuffer ? data.byteLength : 0;

/**
 * socket.io server options from configuration, and the checks made before a connection exists:
 * the Origin allow-list (in `allowRequest`, which engine.io applies to every transport, unlike CORS
 * which browsers do not enforce on WebSockets), the per-address connection limit, and a bound on
 * what the server buffers for a client that does not read.
 */
export class SignalingIoAdapter extends IoAdapter {
  readonly connections: ConnectionCounter;
  /** The socket.io server this adapter created (diagnostics and tests). */
  io?: Server;
  private readonly trust: (address: string, hop: number) => boolean;
  private origins?: Set<string>;
  /** At most a few refusal log lines per minute: an attacker must not be able to flood the logs. */
  private readonly refusalLogBudget = new RateLimiterMemory({ points: 10, duration: 60 });

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly log: Logger,
    private readonly redis?: RedisConnections,
  ) {
    super(app);
    this.connections = new ConnectionCounter(config.maxConnectionsPerIp);
    this.trust = proxyTrust(config.trustProxy);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const merged: Partial<ServerOptions> = {
      ...options,
      serveClient: false,
      // Frames above this are refused by engine.io (and ws's maxPayload) before they are buffered whole.
      maxHttpBufferSize: LIMITS.maxMessageBytes,
      pingInterval: this.config.pingIntervalMs,
      pingTimeout: this.config.pingTimeoutMs,
      cors: this.config.allowedOrigins.length > 0 ? { origin: this.config.allowedOrigins } : undefined,
      allowRequest: (request, callback) => callback(...this.admit(request)),
      // Text packets only, and events the protocol does not name dropped before socket.io dispatches them.
      parser: signalingParser({
        unknownEvents: this.config.rateLimits.perKind.other,
        onUnknownEvent: () => this.metrics.rejected.inc({ reason: 'unknown_event' }),
        onUnknownEventFlood: () => {
          this.metrics.disconnectedForAbuse.inc({ reason: 'unknown_events' });
          void this.logRefusal({}, 'dropping a connection that keeps sending events the protocol does not have');
        },
      }),
    };
    const server = super.createIOServer(port, merged as ServerOptions) as Server;
    // Several instances: broadcasts and per-participant deliveries go through Redis pub/sub.
    if (this.redis) server.adapter(createAdapter(this.redis.pub, this.redis.sub, { key: `${this.config.redisPrefix}socket.io` }));
    // engine.io's own session ids allocate two buffers per id (4 us); the same 120 random bits from a pool.
    server.engine.generateId = () => randomBase64Url(15);
    server.engine.on('connection', (rawSocket: EngineSocket) => this.track(rawSocket));
    this.io = server;
    return server;
  }

  /**
   * A new engine.io connection counts against its address until it closes, and what waits to be sent
   * to it is bounded. Frames for a client that does not read pile up in engine.io's write buffer and in
   * the WebSocket's send buffer, without limit: 19 senders pushing 49 KB offers to one such reader grew
   * the server by 200 MB. Past the configured bound the connection is closed (its participant waits in
   * the grace period and resumes once the client reads again); the senders never notice. Both listeners
   * share this one scope: every object made here lives as long as the connection.
   */
  private track(rawSocket: EngineSocket): void {
    const address = clientAddress(rawSocket.request, this.trust);
    this.connections.add(address);
    rawSocket.on('close', () => this.connections.remove(address)); // engine.io emits it once
    // One listener per packet: the bytes waiting in engine.io's write buffer are summed as packets are
    // created, and start again from zero whenever that buffer is empty (engine.io flushed it to the
    // transport, where the WebSocket's own buffered amount takes over). Nothing of a sent packet is
    // kept: holding on to it until the next one made every message outlive a young-generation GC.
    let queued = 0;
    let closed = false;
    rawSocket.on('packetCreate', (packet) => {
      if (closed) return;
      if (rawSocket.writeBuffer.length === 0) queued = 0;
      queued += sizeOf(packet.data);
      const unsent = queued + (rawSocket.transport.socket?.bufferedAmount ?? 0);
      if (unsent <= this.config.maxBufferedBytesPerConnection) return;
      closed = true;
      this.metrics.disconnectedForAbuse.inc({ reason: 'slow_reader' });
      void this.logRefusal({ unsent }, 'dropping a connection that does not read what it is sent');
      rawSocket.close(true);
    });
  }

  /**
   * Nest would give every connection rxjs streams for its gateway hooks and `@SubscribeMessage`
   * handlers. This server has neither: `SignalingGateway` takes connections from socket.io itself and
   * `SignalingHandlers` registers plain listeners. So Nest binds nothing per connection (a gateway
   * method `handleConnection`, `handleDisconnect` or `@SubscribeMessage` would never be called here).
   */
  override bindClientConnect(): void {}
  override bindClientDisconnect(): void {}
  override bindMessageHandlers(): void {}

  private admit(request: IncomingMessage): [string | null, boolean] {
    if (!isOriginAllowed(request.headers, this.allowedOrigins())) {
      this.metrics.disconnectedForAbuse.inc({ reason: 'origin' });
      void this.logRefusal({ origin: request.headers.origin?.slice(0, 200) ?? null }, 'refused a connection from a foreign or missing origin');
      return ['origin not allowed', false];
    }
    // engine.io asks only for a request that opens a session (`Server.verify`: no `sid`, as engine.io
    // reads its query, where the last `sid` wins and an empty one counts as none); polling requests and
    // upgrades of an open session never come here. Deciding "new session" from the URL here instead let
    // `&sid=` through without a limit. Nothing but microtasks runs between this check and the engine's
    // `connection` event that counts the session (`track`), so concurrent handshakes cannot overshoot.
    if (!this.connections.hasRoom(clientAddress(request, this.trust))) {
      this.metrics.disconnectedForAbuse.inc({ reason: 'per_ip_limit' });
      void this.logRefusal({}, 'refused a connection over the per-address limit');
      return ['too many connections', false];
    }
    return [null, true];
  }

  /** Known once the HTTP server listens (tests listen on port 0). */
  private allowedOrigins(): Set<string> {
    if (this.origins) return this.origins;
    const httpServer = this.httpServer as HttpServer | undefined;
    const port = (httpServer?.address() as AddressInfo | null)?.port ?? this.config.port;
    // `pnpm dev` serves the client from Vite (port 5173), which proxies /socket.io here.
    const devServer = this.config.nodeEnv === 'development' && this.config.publicUrl === undefined ? ['http://localhost:5173', 'http://127.0.0.1:5173'] : [];
    this.origins = allowedOrigins(this.config.publicUrl, [...this.config.allowedOrigins, ...devServer], port);
    return this.origins;
  }

  private async logRefusal(fields: Record<string, unknown>, message: string): Promise<void> {
    try {
      await this.refusalLogBudget.consume('refusals');
      this.log.warn(fields, message);
    } catch {
      // over the log budget: the metric still counts it
    }
  }
}
