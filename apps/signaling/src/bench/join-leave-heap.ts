/**
 * Benchmark: heap of the signaling server before and after 10,000 join/leave cycles.
 *   pnpm --filter @meshmeet/signaling bench:heap
 * Runs the real app in-process (so it can force garbage collection) on a loopback port.
 */
import type { AddressInfo } from 'node:net';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@meshmeet/protocol';
import { io, type Socket } from 'socket.io-client';
import { createApp } from '../app.factory.js';
import { loadConfig } from '../config/config.schema.js';
import { SignalingService } from '../signaling/signaling.service.js';

const CYCLES = Number(process.env.CYCLES ?? 10_000);
const CLIENTS = 20;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function heapMiB(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test', WEB_DIST: '', LOG_LEVEL: 'warn', MAX_ROOM_SIZE: '50', MAX_CONNECTIONS_PER_IP: '1000',
    JOINS_PER_MINUTE_PER_ADDRESS: '1000000', NEW_ROOMS_PER_HOUR_PER_ADDRESS: '1000000',
  });
  // Join/leave this fast from one socket is far above the production limits, which this is not measuring.
  const loose = { capacity: 1e9, refillPerSecond: 1e9 };
  config.rateLimits = { perKind: { join: loose, resume: loose, leave: loose, 'ice-servers': loose, description: loose, candidate: loose, 'media-state': loose, hand: loose, other: loose }, strikes: loose };
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const signaling = app.get(SignalingService);

  const connectAll = () =>
    Promise.all(
      Array.from({ length: CLIENTS }, () => {
        const client: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin: url } });
        return new Promise<typeof client>((resolve) => client.once('connect', () => resolve(client)));
      }),
    );

  const cycle = (clients: Socket<ServerToClientEvents, ClientToServerEvents>[], cycles: number) =>
    Promise.all(
      clients.map(async (client, index) => {
        for (let i = 0; i < cycles / CLIENTS; i++) {
          await client.timeout(5_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: `room-${(index + i) % 37}`, name: `P${index}`, media: { mic: true, camera: true, screen: false } });
          await client.timeout(5_000).emitWithAck('leave', {});
        }
      }),
    );
  // Warm up with a few cycles so one-off costs (JIT code, lazily built caches, metric label sets)
  // are not mistaken for growth.
  const warm = await connectAll();
  await cycle(warm, 1_000);
  for (const client of warm) client.disconnect();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = heapMiB();
  const started = performance.now();
  const clients = await connectAll();
  await cycle(clients, CYCLES);
  const elapsed = performance.now() - started;
  const during = heapMiB();
  for (const client of clients) client.disconnect();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const after = heapMiB();
  console.log(`${CYCLES} join/leave cycles over ${CLIENTS} sockets in ${(elapsed / 1000).toFixed(1)} s (${Math.round((CYCLES * 2) / (elapsed / 1000))} messages/s)`);
  console.log(`heap used: before ${before.toFixed(2)} MiB, after cycles (sockets open) ${during.toFixed(2)} MiB, after disconnect ${after.toFixed(2)} MiB`);
  console.log(`growth after disconnect: ${(after - before).toFixed(2)} MiB; server state: ${JSON.stringify(signaling.resources())}`);
  await app.close();
}

void main();
