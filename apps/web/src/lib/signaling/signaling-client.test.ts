import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { SignalingClient } from './signaling-client.js';

/**
 * A real socket.io server (the version the signaling server runs) that refuses the first
 * `websocketsToRefuse` WebSocket connections: what a client sees when its WebSocket attempt reaches a
 * server still starting up (or a proxy that blocks WebSockets) while HTTP long-polling gets through.
 */
async function startServer(websocketsToRefuse: number, transports: ('polling' | 'websocket')[] = ['polling', 'websocket']) {
  const state = { websocketsToRefuse, refused: 0 };
  const http = createServer();
  const io = new Server(http, {
    transports,
    allowRequest: (request: IncomingMessage, callback) => {
      const websocket = new URL(request.url ?? '/', 'http://x').searchParams.get('transport') === 'websocket';
      const refuse = websocket && state.refused < state.websocketsToRefuse;
      if (refuse) state.refused += 1;
      callback(null, !refuse);
    },
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { state, url, stop: () => new Promise<void>((resolve) => void io.close(() => resolve())) };
}

describe('SignalingClient transports', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('after a failed WebSocket attempt, connects over long-polling and then moves to the WebSocket', async () => {
    const server = await startServer(1);
    cleanups.push(server.stop);
    const client = new SignalingClient(server.url);
    cleanups.push(() => client.disconnect());
    await client.connect();
    expect(server.state.refused).toBe(1);
    // engine.io-client alone would stay on polling now, whatever the server accepts.
    await expect.poll(() => client.transport, { timeout: 3_000 }).toBe('websocket');
    expect(client.connected).toBe(true);
  });

  it('stays connected over long-polling where WebSockets never get through', async () => {
    // A server (or a proxy in front of it) that takes no WebSocket at all, not even as an upgrade.
    const server = await startServer(0, ['polling']);
    cleanups.push(server.stop);
    const client = new SignalingClient(server.url);
    cleanups.push(() => client.disconnect());
    await client.connect();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(client.transport).toBe('polling');
    expect(client.connected).toBe(true);
  });
});
