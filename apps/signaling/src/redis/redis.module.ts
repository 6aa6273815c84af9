import { type DynamicModule, Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createClient } from 'redis';
import { RedisWatchdog } from './redis.watchdog.js';

const socket = { reconnectStrategy: (retries: number) => Math.min(retries * 100, 2_000), connectTimeout: 2_000 };

/**
 * No timeout per command (the client's default arms a 5 s `AbortSignal.timeout` for each): a
 * `RedisWatchdog` per connection bounds how long commands wait on a Redis that stopped answering.
 */
const commandOptions = { timeout: 0 };

function createCommandClient(url: string) {
  // While Redis is unreachable, room commands fail at once (a join gets an error) instead of queueing.
  return createClient({ url, disableOfflineQueue: true, socket, commandOptions });
}

export type RedisClient = ReturnType<typeof createCommandClient>;

/**
 * Publications in flight (sent and not yet answered, or queued while Redis is away) beyond this are
 * refused at once and counted: at most about 40 MB of 4 KB descriptions wait for Redis.
 */
const MAX_PUBLISHES_IN_FLIGHT = 10_000;
/** At most one log line per interval about failed publications, however many fail. */
const PUBLISH_FAILURE_LOG_INTERVAL_MS = 10_000;

/**
 * Every publication of the socket.io adapter (a relay or a room broadcast to the other instances),
 * accounted for. @socket.io/redis-adapter calls `publish` without handling its promise (the emitter
 * has the same bug: https://github.com/socketio/socket.io-redis-emitter/issues/139), so a failure
 * would be an unhandled rejection and the message silently lost. Here each one is awaited, bounded,
 * counted for /metrics, and logged at most once per interval.
 */
export class PublishMonitor {
  inFlight = 0;
  published = 0;
  failed = 0;
  private loggedAt = -Infinity;
  private unlogged = 0;
  private log: (failures: number, error: unknown) => void = () => {};

  /** Where failures are reported (the app's logger, once it exists). */
  reportTo(log: (failures: number, error: unknown) => void): void {
    this.log = log;
  }

  wrap(client: RedisClient): void {
    const publish = client.publish.bind(client);
    const monitored = (...args: Parameters<typeof publish>): ReturnType<typeof publish> => {
      if (this.inFlight >= MAX_PUBLISHES_IN_FLIGHT) {
        const refused = Promise.reject(new Error('too many Redis publications in flight'));
        refused.catch((error: unknown) => this.fail(error));
        return refused;
      }
      this.inFlight += 1;
      const published = publish(...args);
      published.then(
        () => {
          this.inFlight -= 1;
          this.published += 1;
        },
        (error: unknown) => {
          this.inFlight -= 1;
          this.fail(error);
        },
      );
      return published;
    };
    Object.defineProperty(client, 'publish', { value: monitored });
  }

  private fail(error: unknown): void {
    this.failed += 1;
    this.unlogged += 1;
    const now = performance.now();
    if (now - this.loggedAt < PUBLISH_FAILURE_LOG_INTERVAL_MS) return;
    this.loggedAt = now;
    this.log(this.unlogged, error);
    this.unlogged = 0;
  }
}

/** The connections to the shared Redis: commands, and a publisher/subscriber pair for the socket.io adapter. */
export interface RedisConnections {
  command: RedisClient;
  pub: RedisClient;
  sub: RedisClient;
  publishes: PublishMonitor;
  /** Bound how long commands and publications wait on a Redis that stopped answering. */
  watchdogs: { command: RedisWatchdog; pub: RedisWatchdog };
}

export const REDIS = Symbol('REDIS');

export async function connectRedis(url: string): Promise<RedisConnections> {
  const command = createCommandClient(url);
  // The adapter's publications wait for a reconnect rather than fail during a short Redis blip,
  // bounded in number by PublishMonitor.
  const pub = createClient({ url, socket, commandOptions });
  // Subscriptions only, made at start: the client's timeout per command costs nothing there.
  const sub = createClient({ url, socket });
  // Errors surface as rejected commands and in /readyz; the clients reconnect by themselves.
  for (const client of [command, pub, sub]) client.on('error', () => {});
  const publishes = new PublishMonitor();
  publishes.wrap(pub);
  await Promise.all([command.connect(), pub.connect(), sub.connect()]);
  return { command, pub, sub, publishes, watchdogs: { command: new RedisWatchdog(command), pub: new RedisWatchdog(pub) } };
}

/** Closes gracefully, or at once when Redis does not answer within a second. */
export async function disconnectRedis(connections: RedisConnections): Promise<void> {
  connections.watchdogs.command.stop();
  connections.watchdogs.pub.stop();
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
