import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../test-support/processes.js';
import { connectRedis, disconnectRedis, RedisShutdown } from './redis.module.js';

let redis: Awaited<ReturnType<typeof startRedis>>;

beforeAll(async () => {
  redis = await startRedis(18_379 + Math.floor(Math.random() * 1_000));
});

afterAll(async () => {
  await redis.stop();
});

describe('Redis connections', () => {
  it('a publication on a closed client fails without an unhandled rejection (the socket.io adapter never handles it)', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const connections = await connectRedis(redis.url);
      const logged: number[] = [];
      connections.publishes.reportTo((failures) => logged.push(failures));
      await connections.pub.publish('meshmeet-test', 'before close');
      await disconnectRedis(connections);
      // Exactly how the adapter calls it: the promise is dropped.
      for (let i = 0; i < 5; i++) void connections.pub.publish('meshmeet-test', 'after close');
      const failure = await connections.pub.publish('meshmeet-test', 'after close').catch((error: unknown) => error);
      expect(String(failure)).toMatch(/closed/);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
      // Counted for /metrics, and logged once for the interval however many failed.
      expect(connections.publishes).toMatchObject({ published: 1, failed: 6, inFlight: 0 });
      expect(logged).toEqual([1]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('publications still reach subscribers through the guarded client', async () => {
    const connections = await connectRedis(redis.url);
    try {
      const received = new Promise<string>((resolve) => void connections.sub.subscribe('meshmeet-test', resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await connections.pub.publish('meshmeet-test', 'hello');
      expect(await received).toBe('hello');
    } finally {
      await disconnectRedis(connections);
    }
  });

  it('shutdown closes the connections only after the work in progress that publishes through them', async () => {
    const connections = await connectRedis(redis.url);
    const shutdown = new RedisShutdown(connections);
    const openWhileDraining: boolean[] = [];
    shutdown.closeAfter(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      openWhileDraining.push(connections.pub.isOpen, connections.command.isOpen);
      await connections.pub.publish('meshmeet-test', 'last word');
    });
    await shutdown.onApplicationShutdown();
    expect(openWhileDraining).toEqual([true, true]);
    expect(connections.pub.isOpen).toBe(false);
    expect(connections.command.isOpen).toBe(false);
  });
});
