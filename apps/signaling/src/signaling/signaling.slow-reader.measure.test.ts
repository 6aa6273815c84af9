import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type JoinResponse } from '@meshmeet/protocol';
import { io } from 'socket.io-client';
import { listeningUrl, startServer, type Started } from '../test-support/processes.js';
import { RawClient } from '../test-support/raw-client.js';
import { record, sleep, type TestClient } from '../test-support/signaling-harness.js';

const media = { mic: true, camera: true, screen: false };
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

describe('a client that stops reading (real server process)', () => {
  let server: Started | undefined;
  const clients: TestClient[] = [];

  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
    server?.child.kill('SIGKILL');
  });

  it('is dropped once 1 MiB is queued for it; 19 senders pushing 49 KB offers for 8 s grow the server by < 20 MB', async () => {
    server = startServer({ NODE_ENV: 'test', LOG_LEVEL: 'warn', MAX_ROOM_SIZE: '20', MAX_CONNECTIONS_PER_IP: '100', JOINS_PER_MINUTE_PER_ADDRESS: '1000' });
    const url = await listeningUrl(server);
    const pid = server.child.pid!;
    const reader = await RawClient.open(url);
    const joined = (await reader.emit('join', { protocol: PROTOCOL_VERSION, roomId: 'slow', name: 'Reader', media })) as JoinResponse;
    if (!joined.ok) throw new Error(joined.error.code);
    reader.stopReading();
    const senders = await Promise.all(
      Array.from({ length: 19 }, async (_, i) => {
        const client: TestClient = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin: url } });
        clients.push(client);
        await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('connect_error', reject));
        const response = await client.timeout(5_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'slow', name: `Sender ${i}`, media });
        if (!response.ok) throw new Error(response.error.code);
        return client;
      }),
    );
    await sleep(300);
    const before = rssMiB(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 25);
    const offer = { type: 'offer' as const, sdp: `v=0\r\n${'a=x-padding:0123456789abcdef\r\n'.repeat(1_600)}`.slice(0, 49_000) };
    const started = performance.now();
    // Each sender pushes offers at the reader at the sustained rate its limits allow (5 per second)
    // for 8 s: 19 x 40 x 49 KB = 37 MB in all. Unbounded, all of it would stay queued for the reader.
    const refusals = senders.map((sender) => record(sender, 'signal-error'));
    await Promise.all(
      senders.map(async (sender) => {
        for (let i = 0; i < 40; i++) {
          sender.emit('description', { to: joined.self.id, description: offer });
          await sleep(200);
        }
      }),
    );
    const sendersMs = performance.now() - started;
    await sleep(1_000);
    clearInterval(sampler);
    const growth = peak - before;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const dropped = /meshmeet_connections_dropped_total\{reason="slow_reader"\} (\d+)/.exec(metrics)?.[1];
    console.info(
      `slow reader: ${senders.length * 40} offers of 49 KB pushed at it in ${sendersMs.toFixed(0)} ms, refused: ` +
        `${refusals.flat().length}; server RSS ${before.toFixed(1)} -> peak ${peak.toFixed(1)} MiB (+${growth.toFixed(1)} MiB); reader dropped: ${dropped ?? 0}`,
    );
    expect(refusals.flat()).toEqual([]);
    expect(senders.every((sender) => sender.connected)).toBe(true);
    expect(dropped).toBe('1');
    expect(growth).toBeLessThan(20);
    reader.close();
  }, 60_000);
});
