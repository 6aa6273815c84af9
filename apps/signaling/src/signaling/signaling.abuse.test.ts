import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type JoinResponse } from '@meshmeet/protocol';
import { MetricsServer } from '../metrics/metrics.server.js';
import { startRedis } from '../test-support/processes.js';
import { RELAXED_ADDRESS_BUDGETS, SignalingHarness, type TestClient } from '../test-support/signaling-harness.js';

const media = { mic: true, camera: true, screen: false };
const joinWith = (client: TestClient, roomId: string, passcode?: string): Promise<JoinResponse> =>
  client.timeout(3_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId, name: 'Eve', media, ...(passcode ? { passcode } : {}) });
const codeOf = (response: JoinResponse) => (response.ok ? 'ok' : response.error.code);

describe('abuse from one address (real server, real sockets)', () => {
  let server: SignalingHarness | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  describe('TRUST_PROXY', () => {
    // The test client is the "proxy" (127.0.0.1, one trusted hop). It appends the real client address
    // (203.0.113.9) after whatever the client wrote itself, as nginx's $proxy_add_x_forwarded_for does.
    const throughProxy = (spoofed: string) => ({ extraHeaders: { 'x-forwarded-for': `${spoofed}, 203.0.113.9` } });

    it('a spoofed leftmost X-Forwarded-For entry does not escape the passcode budget', async () => {
      server = await SignalingHarness.start({
        trustProxy: { hops: 1 },
        addressBudgets: { ...RELAXED_ADDRESS_BUDGETS, passcodeAttemptsPerMinute: 5 },
      });
      const owner = await server.connect();
      expect(codeOf(await joinWith(owner, 'vault', '4321'))).toBe('ok');
      const outcomes: string[] = [];
      for (let guess = 0; guess < 30; guess++) {
        const client = await server.connect(throughProxy(`198.51.100.${guess}`));
        outcomes.push(codeOf(await joinWith(client, 'vault', String(1000 + guess))));
        client.disconnect();
      }
      const checked = outcomes.filter((code) => code === 'wrong_passcode').length;
      console.info(`spoofed X-Forwarded-For: ${checked} of 30 guesses checked, ${outcomes.filter((c) => c === 'rate_limited').length} refused`);
      expect(checked).toBe(5);
      expect(outcomes.slice(5).every((code) => code === 'rate_limited')).toBe(true);
    });

    it('a spoofed leftmost entry does not escape the per-address connection limit', async () => {
      server = await SignalingHarness.start({ trustProxy: { hops: 1 }, maxConnectionsPerIp: 3 });
      for (let i = 0; i < 3; i++) await server.connect(throughProxy(`198.51.100.${i}`));
      await expect(server.connect(throughProxy('198.51.100.200'))).rejects.toThrow();
      // Someone else behind the same proxy is a different address.
      await expect(server.connect({ extraHeaders: { 'x-forwarded-for': '203.0.113.10' } })).resolves.toBeTruthy();
    });
  });

  it('an empty or repeated `sid` in the handshake URL does not escape the per-address connection limit', async () => {
    server = await SignalingHarness.start({ maxConnectionsPerIp: 3 });
    const origin = { origin: server.url };
    // engine.io opens a new session when the last `sid` of the query is empty: these are all handshakes.
    const queries = ['&sid=', '&sid', '&sid=taken&sid=', '&sid=&sid='];
    const upgrade = (query: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${server!.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket${query}`, { headers: origin });
        socket.once('open', () => resolve(101));
        socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.once('error', () => resolve(0));
      });
    const upgrades: number[] = [];
    for (const query of [...queries, '']) upgrades.push(await upgrade(query));
    // engine.io answers every refused upgrade with 400.
    expect(upgrades).toEqual([101, 101, 101, 400, 400]);
    const polling = await Promise.all(
      Array.from({ length: 40 }, (_, i) => fetch(`${server!.url}/socket.io/?EIO=4&transport=polling${queries[i % queries.length]}`, { headers: origin })),
    );
    expect(polling.map((response) => response.status)).toEqual(Array<number>(40).fill(403));
    expect(server.signaling['server']!.engine.clientsCount).toBe(3);
  });

  it('concurrent handshakes from one address open exactly as many sessions as its limit', async () => {
    server = await SignalingHarness.start({ maxConnectionsPerIp: 3 });
    const polling = await Promise.all(Array.from({ length: 40 }, () => fetch(`${server!.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: server!.url } })));
    const statuses = polling.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 403)).toHaveLength(37);
    expect(server.signaling['server']!.engine.clientsCount).toBe(3);
  });

  it('an address at its limit still upgrades its open sessions from polling to WebSocket', async () => {
    server = await SignalingHarness.start({ maxConnectionsPerIp: 3 });
    const clients = await Promise.all(Array.from({ length: 3 }, () => server!.connect({ transports: ['polling', 'websocket'] })));
    await expect.poll(() => clients.map((client) => client.io.engine.transport.name)).toEqual(['websocket', 'websocket', 'websocket']);
    await expect(server.connect({ transports: ['polling', 'websocket'] })).rejects.toThrow();
  });

  it('concurrent passcode guesses are counted before hashing: 40 at once, 5 checked', async () => {
    server = await SignalingHarness.start({ addressBudgets: { ...RELAXED_ADDRESS_BUDGETS, passcodeAttemptsPerMinute: 5 } });
    const owner = await server.connect();
    expect(codeOf(await joinWith(owner, 'vault', 'right-code'))).toBe('ok');
    const guessers = await Promise.all(Array.from({ length: 40 }, () => server!.connect()));
    const outcomes = (await Promise.all(guessers.map((client, i) => joinWith(client, 'vault', `guess-${i}`)))).map(codeOf);
    console.info(`40 concurrent passcode guesses: ${outcomes.filter((c) => c === 'wrong_passcode').length} checked`);
    expect(outcomes.filter((code) => code === 'wrong_passcode')).toHaveLength(5);
    expect(outcomes.filter((code) => code === 'rate_limited')).toHaveLength(35);
  });

  it('join-and-reconnect cycling cannot make more rooms than the per-address budget', async () => {
    // Default grace period: every dropped participant keeps its room for 30 s, as in the attack.
    server = await SignalingHarness.start({ resumeGraceMs: 30_000, addressBudgets: { ...RELAXED_ADDRESS_BUDGETS, newRoomsPerHour: 20 } });
    const outcomes: string[] = [];
    for (let i = 0; i < 200; i++) {
      const client = await server.connect();
      outcomes.push(codeOf(await joinWith(client, `spam-${i}`)));
      client.disconnect(); // the participant waits out its grace period; the room stays meanwhile
    }
    const { rooms } = await server.signaling.resources();
    console.info(`join-and-reconnect cycling: 200 attempts -> ${outcomes.filter((c) => c === 'ok').length} rooms created, ${rooms} held`);
    expect(outcomes.filter((code) => code === 'ok')).toHaveLength(20);
    expect(rooms).toBeLessThanOrEqual(20);
    // Joining an existing room does not spend the room budget; creating one more does.
    expect(codeOf(await joinWith(await server.connect(), 'spam-19'))).toBe('ok');
    expect(codeOf(await joinWith(await server.connect(), 'one-more'))).toBe('rate_limited');
  });

  it('mints a limited number of TURN credentials per address, then hands out STUN only', async () => {
    server = await SignalingHarness.start({
      turnUrls: ['turn:127.0.0.1:3478?transport=udp'],
      stunUrls: ['stun:127.0.0.1:3478'],
      turnSecret: 'a-long-random-shared-secret-for-tests',
      addressBudgets: { ...RELAXED_ADDRESS_BUDGETS, turnCredentialsPerHour: 3 },
    });
    const withTurn: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      const client = await server.connect();
      const response = await joinWith(client, `turn-${i}`);
      if (!response.ok) throw new Error(response.error.code);
      withTurn.push(response.iceServers.some((s) => s.username !== undefined));
      expect(response.iceServers).toContainEqual({ urls: ['stun:127.0.0.1:3478'] });
      client.disconnect();
    }
    console.info(`TURN minting: ${withTurn.filter(Boolean).length} credentials for 10 joins from one address`);
    expect(withTurn).toEqual([true, true, true, false, false, false, false, false, false, false]);
  });

  describe('origins', () => {
    const handshake = (url: string, headers: Record<string, string>) => fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers });

    it("refuses a foreign page's no-cors request (no Origin, cross-site) and clients without an Origin", async () => {
      server = await SignalingHarness.start();
      expect((await handshake(server.url, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' })).status).toBe(403);
      expect((await handshake(server.url, {})).status).toBe(403);
      // The app's own long-polling GET: browsers send no Origin but say same-origin.
      expect((await handshake(server.url, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
      const port = new URL(server.url).port;
      // DNS rebinding: the page's own origin names the attacker's host even when it resolves to us.
      expect((await handshake(server.url, { origin: `http://rebind.evil.example:${port}` })).status).toBe(403);
      expect((await handshake(server.url, { origin: `https://localhost:${port}` })).status).toBe(403);
      expect((await handshake(server.url, { origin: `http://localhost:${port}` })).status).toBe(200);
    });

    it('checks against PUBLIC_URL exactly (scheme, host, port)', async () => {
      server = await SignalingHarness.start({ publicUrl: 'https://meet.example.org' });
      expect((await handshake(server.url, { origin: 'https://meet.example.org' })).status).toBe(200);
      expect((await handshake(server.url, { origin: 'http://meet.example.org' })).status).toBe(403);
      expect((await handshake(server.url, { origin: server.url })).status).toBe(403);
    });

    it('logs refused connections at a bounded rate', async () => {
      const lines: string[] = [];
      const logs = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
      server = await SignalingHarness.start({}, { logDestination: logs });
      for (let i = 0; i < 200; i++) await handshake(server.url, { origin: 'https://evil.example' });
      const refusals = lines.filter((line) => line.includes('refused a connection')).length;
      console.info(`200 refused handshakes -> ${refusals} log lines`);
      expect(refusals).toBeLessThanOrEqual(10);
      expect(refusals).toBeGreaterThan(0);
    });
  });

  it('stores names NFC-normalised and refuses invisible, zalgo and look-alike names', async () => {
    server = await SignalingHarness.start();
    const as = async (name: string) => {
      const client = await server!.connect();
      return client.timeout(3_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'names', name, media });
    };
    for (const name of ['فاطمة', 'می\u200cخواهم', 'प्रिया', '李小龙', 'Mum 👨\u200d👩\u200d👧']) expect(codeOf(await as(name)), name).toBe('ok');
    const decomposed = await as('Zoe\u0308');
    expect(decomposed.ok && decomposed.self.name).toBe('Zoë');
    for (const name of ['\u3164', '\u2800', `Z${'\u0336'.repeat(12)}`, 'Аdа', 'Ada\u202e']) {
      expect(codeOf(await as(name)), JSON.stringify(name)).toBe('invalid_message');
    }
  });

  it('serves /metrics only on METRICS_PORT when one is set, with the token', async () => {
    server = await SignalingHarness.start({ metricsPort: 0, metricsHost: '127.0.0.1', metricsToken: 'metrics-token-0123456789' });
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).status).toBe(404);
    const internal = `http://127.0.0.1:${server.app.get(MetricsServer).address()!.port}/metrics`;
    expect((await fetch(internal)).status).toBe(401);
    const scrape = await fetch(internal, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('meshmeet_rooms 0');
  });
});

describe('per-address budgets and passcodes across Redis instances', () => {
  let redis: { url: string; stop: () => Promise<void> };
  const instances: SignalingHarness[] = [];

  beforeAll(async () => {
    redis = await startRedis(20_379 + Math.floor(Math.random() * 1_000));
  });

  afterAll(async () => {
    for (const instance of instances.splice(0)) await instance.stop();
    await redis.stop();
  });

  it('passcode and room budgets are shared by every instance: guesses spread over two count once', async () => {
    const config = {
      redisUrl: redis.url,
      redisPrefix: `budget-${Date.now()}:`,
      addressBudgets: { ...RELAXED_ADDRESS_BUDGETS, passcodeAttemptsPerMinute: 5, newRoomsPerHour: 4 },
    };
    const pair = [await SignalingHarness.start(config), await SignalingHarness.start(config)];
    instances.push(...pair);
    const owner = await pair[0]!.connect();
    expect(codeOf(await joinWith(owner, 'vault', 'right-code'))).toBe('ok');
    const guesses: string[] = [];
    for (let i = 0; i < 20; i++) guesses.push(codeOf(await joinWith(await pair[i % 2]!.connect(), 'vault', `guess-${i}`)));
    const rooms: string[] = [];
    for (let i = 0; i < 10; i++) rooms.push(codeOf(await joinWith(await pair[i % 2]!.connect(), `new-room-${i}`)));
    console.info(
      `budgets across two instances: ${guesses.filter((c) => c === 'wrong_passcode').length}/20 guesses checked, ` +
        `${rooms.filter((c) => c === 'ok').length}/10 rooms created (vault counted as the first)`,
    );
    expect(guesses.filter((code) => code === 'wrong_passcode')).toHaveLength(5);
    expect(rooms.filter((code) => code === 'ok')).toHaveLength(3);
  });

  it('a passcode outlives the room on Redis too, and a passcode for an open room is refused', async () => {
    const config = { redisUrl: redis.url, redisPrefix: `retain-${Date.now()}:`, passcodeRetentionMs: 60_000 };
    const pair = [await SignalingHarness.start(config), await SignalingHarness.start(config)];
    instances.push(...pair);
    const owner = await pair[0]!.connect();
    expect(codeOf(await joinWith(owner, 'ours', 'our-code'))).toBe('ok');
    await owner.timeout(3_000).emitWithAck('leave', {});
    expect(await pair[1]!.signaling.resources()).toMatchObject({ rooms: 0, participants: 0 });
    expect(codeOf(await joinWith(await pair[1]!.connect(), 'ours'))).toBe('passcode_required');
    expect(codeOf(await joinWith(await pair[1]!.connect(), 'ours', 'squatter-code'))).toBe('wrong_passcode');
    expect(codeOf(await joinWith(await pair[0]!.connect(), 'ours', 'our-code'))).toBe('ok');
    expect(codeOf(await joinWith(await pair[0]!.connect(), 'open-room'))).toBe('ok');
    expect(codeOf(await joinWith(await pair[1]!.connect(), 'open-room', 'late-code'))).toBe('room_not_protected');
  });
});
