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
  await Promise.all([command.connect(), pub.connect(), sub.connect()]);
  return { command, pub, sub };
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

/** Closes the connections once the socket.io server (which publishes through them) is closed. */
class RedisShutdown implements OnApplicationShutdown {
  constructor(private readonly connections: RedisConnections | undefined) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.connections) await disconnectRedis(this.connections);
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
      exports: [REDIS],
    };
  }
}
