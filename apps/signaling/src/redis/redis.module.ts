import { type DynamicModule, Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createClient } from 'redis';

const socket = { reconnectStrategy: (retries: number) => Math.min(retries * 100, 2_000), connectTimeout: 2_000 };

function createCommandClient(url: string) {
  // While Redis is unreachable, room commands fail at once (a join gets an error) instead of queueing.
  return createClient({ url, disableOfflineQueue: true, socket });
}

export type RedisClient = ReturnType<typeof createCommandClient>;

/** The connections to the shared Redis: commands, and a publisher/subscriber pair for the socket.io adapter. */
export interface RedisConnections {
  command: RedisClient;
  pub: RedisClient;
  sub: RedisClient;
}

export const REDIS = Symbol('REDIS');

export async function connectRedis(url: string): Promise<RedisConnections> {
  const command = createCommandClient(url);
  // The adapter's publications wait for a reconnect rather than fail during a short Redis blip.
  const pub = createClient({ url, socket });
  const sub = createClient({ url, socket });
  // Errors surface as rejected commands and in /readyz; the clients reconnect by themselves.
  for (const client of [command, pub, sub]) client.on('error', () => {});
  ignoreUnheardPublishFailures(pub);
  await Promise.all([command.connect(), pub.connect(), sub.connect()]);
  return { command, pub, sub };
}

/**
 * @socket.io/redis-adapter calls `publish` without handling its promise (the emitter has the same
 * bug: https://github.com/socketio/socket.io-redis-emitter/issues/139). A publication that fails
 * because the client is closing would be an unhandled rejection, which ends a Node process. The
 * failure is already visible to operators: the client reports its errors and /readyz goes red.
 */
function ignoreUnheardPublishFailures(client: RedisClient): void {
  const publish = client.publish.bind(client);
  const guarded = (...args: Parameters<typeof publish>) => {
    const published = publish(...args);
    published.catch(() => {});
    return published;
  };
  Object.defineProperty(client, 'publish', { value: guarded });
}

/** Closes gracefully, or at once when Redis does not answer within a second. */
export async function disconnectRedis(connections: RedisConnections): Promise<void> {
  await Promise.allSettled(
    [connections.command, connections.pub, connections.sub].map((client) =>
      Promise.race([client.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]).finally(() => {
        if (client.isOpen) client.destroy();
      }),
    ),
  );
}

/** The longest a shutdown waits for work in progress before it closes the connections anyway. */
const DRAIN_TIMEOUT_MS = 3_000;

/**
 * Closes the connections once the socket.io server is closed and the work still in progress (a
 * leave being recorded, the broadcast that follows it) has finished: closing under it would lose the
 * `participant-left` that the other instances' clients are waiting for.
 */
export class RedisShutdown implements OnApplicationShutdown {
  private readonly drains = new Set<() => Promise<void>>();

  constructor(private readonly connections: RedisConnections | undefined) {}

  /** `drain` resolves once its owner no longer needs Redis; it is awaited before the connections close. */
  closeAfter(drain: () => Promise<void>): void {
    this.drains.add(drain);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.connections) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS)));
    await Promise.race([Promise.allSettled([...this.drains].map((drain) => drain())), timeout]);
    clearTimeout(timer);
    await disconnectRedis(this.connections);
  }
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(connections: RedisConnections | undefined): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        { provide: REDIS, useValue: connections },
        { provide: RedisShutdown, useFactory: () => new RedisShutdown(connections) },
      ],
      exports: [REDIS, RedisShutdown],
    };
  }
}
