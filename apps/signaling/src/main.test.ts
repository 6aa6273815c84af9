import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@meshmeet/protocol';
import { io, type Socket } from 'socket.io-client';

// These tests run the built server as a real process (turbo builds it before `test`).
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', WEB_DIST: '', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function listeningUrl(server: Started): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const match = /running at (http:\/\/\S+)/.exec(server.output());
    if (match?.[1]) return match[1].replace('localhost', '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server did not start:\n${server.output()}`);
}

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
      const server = start({ NODE_ENV: 'production', TURN_URLS: 'turn:turn.example.org:3478', ...(secret ? { TURN_SECRET: secret } : {}) });
      running.push(server);
      const { code } = await server.exited;
      expect(code).toBe(1);
      expect(server.output()).toContain('TURN_SECRET');
      if (secret) expect(server.output()).not.toContain(secret === 'short' ? 'short"' : secret);
      expect(server.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
  });

  it('stops with a readable message on invalid settings', async () => {
    const server = start({ PORT: 'eighty', MAX_ROOM_SIZE: '1000' });
    running.push(server);
    expect((await server.exited).code).toBe(1);
    expect(server.output()).toMatch(/Invalid configuration:\n\s+PORT: .+\n\s+MAX_ROOM_SIZE: .+/);
  });

  it('on SIGTERM tells clients to reconnect and exits within the shutdown bound', async () => {
    const server = start({ NODE_ENV: 'production', SHUTDOWN_TIMEOUT_MS: '3000' });
    running.push(server);
    const url = await listeningUrl(server);
    const client: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('connect_error', reject));
    expect(
      await client.timeout(2_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'r', name: 'A', media: { audio: true, video: true } }),
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
