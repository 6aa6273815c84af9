import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedis } from '../test-support/processes.js';
import { connectRedis, disconnectRedis } from './redis.module.js';
import { RedisWatchdog } from './redis.watchdog.js';

let redis: Awaited<ReturnType<typeof startRedis>>;

beforeAll(async () => {
  redis = await startRedis(19_379 + Math.floor(Math.random() * 1_000));
});

afterAll(async () => {
  await redis.stop();
});

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value, at: performance.now() }),
    (error: unknown) => ({ error, at: performance.now() }),
  );

describe('Redis watchdog', () => {
  it("the server's commands and publications arm no timer each", async () => {
    const connections = await connectRedis(redis.url);
    const timeouts = vi.spyOn(AbortSignal, 'timeout');
    try {
      for (let i = 0; i < 50; i++) await connections.command.set(`watchdog-test-${i}`, 'x');
      for (let i = 0; i < 50; i++) await connections.pub.publish('watchdog-test', 'x');
      expect(timeouts).not.toHaveBeenCalled();
    } finally {
      timeouts.mockRestore();
      await disconnectRedis(connections);
    }
  });

  it('a command waiting on a Redis that stopped answering fails within the deadline and a probe, and the connection comes back with Redis', async () => {
    const client = createClient({ url: redis.url, disableOfflineQueue: true, commandOptions: { timeout: 0 } });
    client.on('error', () => {});
    await client.connect();
    const watchdog = new RedisWatchdog(client, 600, 100);
    const reports: number[] = [];
    watchdog.reportTo(() => reports.push(performance.now()));
    try {
      // Answering Redis, probed 20 times: never dropped.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(watchdog.dropped).toBe(0);

      redis.freeze();
      const sentAt = performance.now();
      const outcome = await settle(client.set('watchdog-test', 'while frozen'));
      expect(outcome).toHaveProperty('error');
      // 600 ms deadline + at most 100 ms before the probe went + the check's own interval.
      expect(outcome.at - sentAt).toBeLessThan(600 + 100 + 100 + 300);
      expect(outcome.at - sentAt).toBeGreaterThanOrEqual(400);
      expect(watchdog.dropped).toBe(1);
      expect(reports).toHaveLength(1);
      // While it reconnects to the frozen Redis, commands fail at once rather than wait.
      const refused = await settle(client.get('watchdog-test'));
      expect(refused).toHaveProperty('error');

      redis.thaw();
      const deadline = performance.now() + 5_000;
      while (!client.isReady && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await client.set('watchdog-test', 'after')).toBe('OK');
      expect(await client.get('watchdog-test')).toBe('after');
      // One drop for one outage: the new connection, answering, is not dropped again.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(watchdog.dropped).toBe(1);
    } finally {
      redis.thaw();
      watchdog.stop();
      client.destroy();
    }
  });

  it("the server's own connections: a join-time command and a publication on a frozen Redis fail within about 6 s, then both work again", async () => {
    const connections = await connectRedis(redis.url);
    try {
      redis.freeze();
      const sentAt = performance.now();
      const [command, publication] = await Promise.all([
        settle(connections.command.hGetAll('watchdog-test-room')),
        settle(connections.pub.publish('watchdog-test', 'while frozen')),
      ]);
      expect(command).toHaveProperty('error');
      expect(publication).toHaveProperty('error');
      expect(Math.max(command.at, publication.at) - sentAt).toBeLessThan(5_000 + 1_000 + 500);
      expect(connections.watchdogs.command.dropped).toBe(1);
      expect(connections.watchdogs.pub.dropped).toBe(1);
      expect(connections.publishes.failed).toBe(1);
      redis.thaw();
      const deadline = performance.now() + 5_000;
      while (!(connections.command.isReady && connections.pub.isReady) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await connections.command.ping()).toBe('PONG');
      expect(await connections.pub.publish('watchdog-test', 'after')).toBe(0);
    } finally {
      redis.thaw();
      await disconnectRedis(connections);
    }
  }, 15_000);
});
