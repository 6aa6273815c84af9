import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@meshmeet/protocol';
import { io, type Socket } from 'socket.io-client';
import { clientOptions, listeningUrl, MAIN, PRODUCTION_ENV, startServer, type Started } from './test-support/processes.js';

describe('the server process', () => {
  const running: Started[] = [];

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (turbo runs the build before the tests)`);
  });

  afterEach(() => {
    for (const server of running.splice(0)) server.child.kill('SIGKILL');
  });

  it('refuses to start in production with a missing or example TURN secret, naming the variable only', async () => {
    for (const secret of [undefined, 'change-me', 'short']) {
      const server = startServer({ ...PRODUCTION_ENV, TURN_URLS: 'turn:turn.example.org:3478', ...(secret ? { TURN_SECRET: secret } : {}) });
      running.push(server);
      const { code } = await server.exited;
      expect(code).toBe(1);
      expect(server.output()).toContain('TURN_SECRET');
      if (secret) expect(server.output()).not.toContain(secret === 'short' ? 'short"' : secret);
      expect(server.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
  });

  it('stops with a readable message on invalid settings', async () => {
    const server = startServer({ PORT: 'eighty', MAX_ROOM_SIZE: '1000' });
    running.push(server);
    expect((await server.exited).code).toBe(1);
    expect(server.output()).toMatch(/Invalid configuration:\n\s+PORT: .+\n\s+MAX_ROOM_SIZE: .+/);
  });

  it('on SIGTERM tells clients to reconnect and exits within the shutdown bound', async () => {
    const server = startServer({ ...PRODUCTION_ENV, SHUTDOWN_TIMEOUT_MS: '3000' });
    running.push(server);
    const url = await listeningUrl(server);
    const client: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, clientOptions());
    await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('connect_error', reject));
    expect(
      await client.timeout(2_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'r', name: 'A', media: { mic: true, camera: true, screen: false } }),
    ).toMatchObject({ ok: true });
    const notice = new Promise((resolve) => client.once('server-shutdown', resolve));
    const sentAt = Date.now();
    server.child.kill('SIGTERM');
    expect(await notice).toEqual({ reconnectAfterMs: expect.any(Number) });
    const { code, signal } = await server.exited;
    const tookMs = Date.now() - sentAt;
    // Nest re-raises the signal once the app has closed, so the exit status reflects SIGTERM.
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(tookMs).toBeLessThan(3_000);
    client.disconnect();
    // Logs are structured JSON lines.
    const firstJsonLine = server.output().split('\n').find((line) => line.startsWith('{'));
    expect(JSON.parse(firstJsonLine!)).toMatchObject({ level: expect.any(Number), msg: expect.any(String) });
  });
});
