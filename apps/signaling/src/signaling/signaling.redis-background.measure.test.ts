import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type JoinResponse } from '@meshmeet/protocol';
import { createClient } from 'redis';
import { startRedis } from '../test-support/processes.js';
import { SignalingHarness, sleep, type TestClient } from '../test-support/signaling-harness.js';

// A measurement: run in the sequential pass (`*.measure.test.ts`), so other tests do not add noise.

const media = { mic: true, camera: true, screen: false };
const joinWith = (client: TestClient, roomId: string): Promise<JoinResponse> =>
  client.timeout(3_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId, name: 'Eve', media });

describe('Redis background work does not grow with the number of rooms', () => {
  let redis: { url: string; stop: () => Promise<void> };
  const instances: SignalingHarness[] = [];

  beforeAll(async () => {
    redis = await startRedis(20_379 + Math.floor(Math.random() * 1_000));
  });

  afterAll(async () => {
    for (const instance of instances.splice(0)) await instance.stop();
    await redis.stop();
  });

  it('sweeps and /metrics scrapes cost the same with 0 or 300 rooms; only live participants are renewed', async () => {
    const redisPrefix = `bg-${Date.now()}:`;
    for (let i = 0; i < 2; i++) instances.push(await SignalingHarness.start({ redisUrl: redis.url, redisPrefix }));
    const observer = createClient({ url: redis.url });
    await observer.connect();
    const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await observer.info('stats'))![1]);
    const measure = async () => {
      const idleStart = await commands();
      await sleep(3_100);
      const idle = (await commands()) - idleStart - 1;
      const scrapeStart = await commands();
      for (let i = 0; i < 50; i++) await fetch(`${instances[0]!.url}/metrics`);
      const scrapes = (await commands()) - scrapeStart - 1;
      return { idlePerSecond: idle / 3.1, perScrape: scrapes / 50 };
    };
    const empty = await measure();
    const clients = await Promise.all(Array.from({ length: 300 }, (_, i) => instances[i % 2]!.connect()));
    await Promise.all(clients.map((client, i) => joinWith(client, `bg-room-${i}`)));
    const full = await measure();
    console.info(
      `Redis commands: idle ${empty.idlePerSecond.toFixed(1)}/s with 0 rooms, ${full.idlePerSecond.toFixed(1)}/s with 300 rooms of one connected participant; ` +
        `per /metrics scrape ${empty.perScrape.toFixed(1)} and ${full.perScrape.toFixed(1)}`,
    );
    // Sweeps read only expired entries and scrapes read two counters, whatever the number of rooms. What
    // grows is lease renewal, and only with connected participants: one script per instance every 3 s,
    // checking and extending each live participant's lease (2 calls each). Rooms cost nothing.
    // A 3.1 s window holds one or two renewal rounds of each instance.
    const renewalPerSecondAtMost = (2 * 2 * clients.length) / 3.1;
    expect(full.idlePerSecond).toBeLessThan(empty.idlePerSecond + renewalPerSecondAtMost + 2);
    // Two counters per scrape; a sweep or renewal may fall inside the window.
    expect(full.perScrape).toBeLessThanOrEqual(2.5);
    // Once everyone has left, the idle cost is back to what an empty deployment pays.
    for (const client of clients) await client.timeout(3_000).emitWithAck('leave', {});
    const after = await measure();
    console.info(`after everyone left: idle ${after.idlePerSecond.toFixed(1)}/s`);
    expect(after.idlePerSecond).toBeLessThan(empty.idlePerSecond + 2);
    await observer.close();
  }, 40_000);
});
