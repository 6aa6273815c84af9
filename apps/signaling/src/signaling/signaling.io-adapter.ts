import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { LIMITS } from '@meshmeet/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import type { RedisConnections } from '../redis/redis.module.js';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/config.schema.js';
import type { MetricsService } from '../metrics/metrics.service.js';
import { clientAddress, ConnectionCounter, isOriginAllowed } from './connection-policy.js';

/**
 * socket.io server options from configuration, and the checks made before a connection exists:
 * the Origin allow-list (in `allowRequest`, which engine.io applies to every transport, unlike CORS
 * which browsers do not enforce on WebSockets) and the per-address connection limit.
 */
export class SignalingIoAdapter extends IoAdapter {
  readonly connections: ConnectionCounter;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly log: Logger,
    private readonly redis?: RedisConnections,
  ) {
    super(app);
    this.connections = new ConnectionCounter(config.maxConnectionsPerIp);
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
    };
    const server = super.createIOServer(port, merged as ServerOptions) as Server;
    // Several instances: broadcasts and per-participant deliveries go through Redis pub/sub.
    if (this.redis) server.adapter(createAdapter(this.redis.pub, this.redis.sub, { key: `${this.config.redisPrefix}socket.io` }));
    server.engine.on('connection', (rawSocket: { request: IncomingMessage; once: (event: 'close', fn: () => void) => void }) => {
      const address = clientAddress(rawSocket.request, this.config.trustProxy);
      this.connections.add(address);
      rawSocket.once('close', () => this.connections.remove(address));
    });
    return server;
  }

  private admit(request: IncomingMessage): [string | null, boolean] {
    if (!isOriginAllowed(request.headers.origin, request.headers.host, this.config.allowedOrigins)) {
      this.metrics.disconnectedForAbuse.inc({ reason: 'origin' });
      this.log.warn({ origin: request.headers.origin?.slice(0, 200) }, 'refused a connection from a foreign origin');
      return ['origin not allowed', false];
    }
    // engine.io calls allowRequest for the handshake and again for each polling request and upgrade
    // of an existing session; only new sessions count against the limit.
    const isNewSession = !new URL(request.url ?? '/', 'http://x').searchParams.has('sid');
    if (isNewSession && !this.connections.hasRoom(clientAddress(request, this.config.trustProxy))) {
      this.metrics.disconnectedForAbuse.inc({ reason: 'per_ip_limit' });
      return ['too many connections', false];
    }
    return [null, true];
  }
}
