import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS, PROTOCOL_VERSION, type IceServersResponse } from '@meshmeet/protocol';
import { turnCredential } from '../turn/turn-credentials.js';
import { DEFAULT_RATE_LIMITS } from '../limits/rate-limit.js';
import { nextEvent, record, refusal, RELAXED_ADDRESS_BUDGETS, SignalingHarness, sleep, type TestClient } from '../test-support/signaling-harness.js';

const media = { mic: true, camera: true, screen: false };
const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
const offer = { type: 'offer', sdp: 'v=0\r\n' } as const;

type Untyped = { emit: (event: string, ...args: unknown[]) => void; timeout: (ms: number) => { emitWithAck: (event: string, ...args: unknown[]) => Promise<unknown> } };
const raw = (client: TestClient) => client as unknown as Untyped;

const disconnected = (client: TestClient, ms = 3_000) =>
  new Promise<string>((resolve, reject) => {
    if (client.disconnected) return resolve('already');
    const timer = setTimeout(() => reject(new Error('still connected')), ms);
    client.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });

describe('signaling security (real server, real socket.io clients)', () => {
  let server: SignalingHarness | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  describe('impersonation', () => {
    it("refuses a media-state update naming someone else and leaves that person's state alone", async () => {
      server = await SignalingHarness.start();
      const ada = await server.participant('room', 'Ada');
      const eve = await server.participant('room', 'Eve');
      const adaSaw = record(ada.client, 'media-state');
      const forged = await refusal(eve.client, 'media-state', { from: ada.joined.self.id, media: { mic: false, camera: false, screen: false } });
      expect(forged).toMatchObject({ event: 'media-state', code: 'invalid_message' });
      const late = await server.participant('room', 'Late');
      expect(late.joined.participants.find((p) => p.id === ada.joined.self.id)?.media).toEqual(media);
      // A valid update always concerns the sender: the server stamps it.
      const update = nextEvent(ada.client, 'media-state');
      eve.client.emit('media-state', { media: { mic: false, camera: true, screen: false } });
      expect((await update).from).toBe(eve.joined.self.id);
      expect(adaSaw.filter((m) => m.from === ada.joined.self.id)).toEqual([]);
    });

    it('refuses a leave naming someone else; a leave only ever removes the sender', async () => {
      server = await SignalingHarness.start();
      const ada = await server.participant('room', 'Ada');
      const eve = await server.participant('room', 'Eve');
      const left = record(eve.client, 'participant-left');
      const forged = await raw(eve.client).timeout(2_000).emitWithAck('leave', { id: ada.joined.self.id });
      expect(forged).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
      expect((await server.signaling.resources()).participants).toBe(2);
      await sleep(50);
      expect(left).toEqual([]);
    });

    it('never lets a client choose its id', async () => {
      server = await SignalingHarness.start();
      const client = await server.connect();
      const response = await raw(client).timeout(2_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'r', name: 'Eve', media, id: 'chosen-id' });
      expect(response).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
      const ok = await server.participant('r', 'Eve');
      expect(ok.joined.self.id).not.toBe('chosen-id');
    });
  });

  describe('cross-room traffic', () => {
    it('delivers nothing outside the room whatever target is named, and a socket stays in one room', async () => {
      server = await SignalingHarness.start();
      const ada = await server.participant('room-a', 'Ada');
      const eve = await server.participant('room-b', 'Eve');
      const eveSaw = [record(eve.client, 'description'), record(eve.client, 'candidate'), record(eve.client, 'media-state')];
      for (const to of [eve.joined.self.id, `room:room-b`, 'room-b', eve.client.id!, `participant:${eve.joined.self.id}`, ada.joined.self.id]) {
        expect(await refusal(ada.client, 'description', { to, description: offer })).toMatchObject({ event: 'description' });
        expect(await refusal(ada.client, 'candidate', { to, candidate })).toMatchObject({ event: 'candidate' });
      }
      ada.client.emit('media-state', { media: { mic: false, camera: false, screen: false } });
      expect(await server.join(ada.client, 'room-b', 'Ada again')).toMatchObject({ ok: false, error: { code: 'already_joined' } });
      await sleep(100);
      for (const seen of eveSaw) expect(seen).toEqual([]);
    });
  });

  describe('malformed input', () => {
    const nested = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
    const protoKeys = JSON.parse(`{"protocol":${PROTOCOL_VERSION},"roomId":"r","name":"A","media":{"mic":true,"camera":true,"screen":false},"__proto__":{"admin":true}}`) as unknown;
    const constructorKey = { protocol: PROTOCOL_VERSION, roomId: 'r', name: 'A', media: { mic: true, camera: true, screen: false, constructor: { prototype: { admin: true } } } };
    const cases: [string, unknown][] = [
      ['string payload', 'hello'],
      ['number payload', 42],
      ['null payload', null],
      ['boolean payload', true],
      ['array payload', [1, 2, 3]],
      ['wrong types', { protocol: '1', roomId: 7, name: [], media: 'on' }],
      ['missing fields', { protocol: PROTOCOL_VERSION }],
      ['extra fields', { protocol: PROTOCOL_VERSION, roomId: 'r', name: 'A', media, admin: true }],
      ['huge numbers', { protocol: PROTOCOL_VERSION, roomId: 'r', name: 'A', media: { mic: 1e308, camera: true, screen: false } }],
      ['__proto__ key', protoKeys],
      ['constructor key', constructorKey],
      ['deep nesting', nested(3_000)],
      ['binary attachment', Buffer.alloc(1_024, 7)],
      ['binary inside an object', { protocol: PROTOCOL_VERSION, roomId: Buffer.from('r'), name: 'A', media }],
      ['name too long', { protocol: PROTOCOL_VERSION, roomId: 'r', name: 'x'.repeat(LIMITS.displayNameMaxLength + 1), media }],
      ['room id with unsafe characters', { protocol: PROTOCOL_VERSION, roomId: '../../etc', name: 'A', media }],
    ];

    it.each(cases)('answers %s with invalid_message, no echo, no state change', async (_label, payload) => {
      server = await SignalingHarness.start();
      const bystander = await server.participant('room', 'Bystander');
      const joined = record(bystander.client, 'participant-joined');
      const client = await server.connect();
      const response = await raw(client).timeout(2_000).emitWithAck('join', payload);
      expect(response).toEqual({ ok: false, error: { code: 'invalid_message', message: 'The message is malformed or has invalid fields.' } });
      expect(await server.signaling.resources()).toMatchObject({ rooms: 1, participants: 1 });
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      await sleep(20);
      expect(joined).toEqual([]);
      // The connection still works for a valid join afterwards.
      expect(await server.join(client, 'room', 'Fine')).toMatchObject({ ok: true });
    });

    it('drops unknown event names (including "error") and keeps serving the connection', async () => {
      server = await SignalingHarness.start();
      const client = await server.connect();
      const errors = record(client, 'signal-error');
      for (const event of ['error', 'admin', 'join ', 'JOIN', 'constructor', '__proto__', 'hasOwnProperty']) {
        raw(client).emit(event, { protocol: PROTOCOL_VERSION, roomId: 'r', name: 'A', media });
      }
      expect(await server.join(client, 'r', 'A')).toMatchObject({ ok: true });
      expect(await server.signaling.resources()).toMatchObject({ rooms: 1, participants: 1 });
      expect(errors).toEqual([]);
    });

    it('closes a connection that keeps sending unknown event names past its budget, and counts them', async () => {
      server = await SignalingHarness.start({ rateLimits: DEFAULT_RATE_LIMITS });
      const ada = await server.participant('room', 'Ada');
      const eve = await server.participant('room', 'Eve');
      const budget = DEFAULT_RATE_LIMITS.perKind.other.capacity;
      for (let i = 0; i < budget - 1; i++) raw(eve.client).emit(`probe-${i}`, {});
      // Within the budget the connection is served as before: a refusal proves the frames were read.
      expect(await refusal(eve.client, 'media-state', { media: 'on' })).toMatchObject({ code: 'invalid_message' });
      expect(eve.client.connected).toBe(true);
      const gone = disconnected(eve.client);
      for (let i = 0; i < 20; i++) raw(eve.client).emit('admin', { all: true });
      expect(await gone).toBe('transport close');
      expect(ada.client.connected).toBe(true);
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toContain('meshmeet_connections_dropped_total{reason="unknown_events"} 1');
      expect(Number(/meshmeet_messages_rejected_total\{reason="unknown_event"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(budget);
    });

    it('closes a connection that sends a reserved event name, without affecting others', async () => {
      server = await SignalingHarness.start();
      const ada = await server.participant('room', 'Ada');
      const eve = await server.participant('room', 'Eve');
      const gone = disconnected(eve.client);
      const left = nextEvent(ada.client, 'participant-left');
      // socket.io-client refuses to emit reserved names, so write the raw packet.
      (eve.client.io.engine as unknown as { write: (data: string) => void }).write('2["disconnect","forged"]');
      await gone;
      expect((await left).id).toBe(eve.joined.self.id);
      expect(ada.client.connected).toBe(true);
      expect(await server.signaling.resources()).toMatchObject({ rooms: 1, participants: 1 });
    });
  });

  describe('oversized input', () => {
    it('refuses an SDP above the limit with invalid_message', async () => {
      server = await SignalingHarness.start();
      const ada = await server.participant('room', 'Ada');
      const bob = await server.participant('room', 'Bob');
      const seen = record(bob.client, 'description');
      const response = await refusal(ada.client, 'description', { to: bob.joined.self.id, description: { type: 'offer', sdp: 'x'.repeat(LIMITS.sdpMaxLength + 1) } });
      expect(response).toMatchObject({ event: 'description', code: 'invalid_message' });
      await sleep(50);
      expect(seen).toEqual([]);
    });

    it('closes a connection whose frame exceeds maxHttpBufferSize, before parsing it', async () => {
      server = await SignalingHarness.start();
      const ada = await server.participant('room', 'Ada');
      const eve = await server.participant('room', 'Eve');
      const gone = disconnected(eve.client);
      eve.client.emit('description', { to: ada.joined.self.id, description: { type: 'offer', sdp: 'x'.repeat(LIMITS.maxMessageBytes + 10) } });
      expect(await gone).toBe('transport close');
      expect(ada.client.connected).toBe(true);
      await expect.poll(async () => (await server!.signaling.resources()).participants).toBe(1);
    });
  });

  describe('floods', () => {
    it('lets candidates burst, refuses a join burst with rate_limited, and disconnects a client that keeps going', async () => {
      server = await SignalingHarness.start({ rateLimits: DEFAULT_RATE_LIMITS });
      const ada = await server.participant('room', 'Ada');
      const bob = await server.participant('room', 'Bob');
      const received = record(bob.client, 'candidate');
      const burst = DEFAULT_RATE_LIMITS.perKind.candidate.capacity;
      const refusals = record(ada.client, 'signal-error');
      for (let i = 0; i < burst; i++) ada.client.emit('candidate', { to: bob.joined.self.id, candidate });
      await expect.poll(() => received.length).toBe(burst);
      expect(refusals).toEqual([]);
      // Past the burst (refilled at 50 per second), candidates are refused and not delivered.
      const limited = nextEvent(ada.client, 'signal-error');
      for (let i = 0; i < 100; i++) ada.client.emit('candidate', { to: bob.joined.self.id, candidate });
      expect(await limited).toMatchObject({ event: 'candidate', code: 'rate_limited' });
      await sleep(100);
      expect(received.length).toBeLessThan(burst + 100);

      const client = await server.connect();
      const joins = [];
      for (let i = 0; i < 3; i++) joins.push(await raw(client).timeout(2_000).emitWithAck('join', { protocol: 99, roomId: 'r', name: 'A', media }));
      expect(joins.map((j) => (j as { error: { code: string } }).error.code)).toEqual(['unsupported_protocol', 'unsupported_protocol', 'rate_limited']);

      const gone = disconnected(client, 5_000);
      for (let i = 0; i < DEFAULT_RATE_LIMITS.strikes.capacity + 20; i++) raw(client).emit('join', {});
      await gone;
      expect(bob.client.connected && ada.client.connected).toBe(true);
    });

    it('keeps delivering every message of another room while one room floods', async () => {
      server = await SignalingHarness.start({ rateLimits: DEFAULT_RATE_LIMITS });
      const flooder = await server.participant('flood', 'Flooder');
      const target = await server.participant('flood', 'Target');
      const probeA = await server.participant('probe', 'A');
      const probeB = await server.participant('probe', 'B');
      const delivered: number[] = [];
      probeB.client.on('candidate', ({ candidate: c }) => delivered.push(Number(c.sdpMid)));
      const floodGone = disconnected(flooder.client, 10_000);
      let flooding = true;
      const flood = (async () => {
        // Bounded: at most 20 000 messages or 5 s, whichever comes first.
        const deadline = Date.now() + 5_000;
        for (let i = 0; i < 20_000 && flooding && Date.now() < deadline && flooder.client.connected; i++) {
          raw(flooder.client).emit('candidate', { to: target.joined.self.id, candidate });
          if (i % 200 === 0) await sleep(0);
        }
      })();
      const probeCount = 200;
      for (let i = 0; i < probeCount; i++) {
        probeA.client.emit('candidate', { to: probeB.joined.self.id, candidate: { ...candidate, sdpMid: String(i) } });
        if (i % 20 === 0) await sleep(5);
      }
      await expect.poll(() => delivered.length, { timeout: 10_000 }).toBe(probeCount);
      expect(delivered).toEqual(Array.from({ length: probeCount }, (_, i) => i));
      flooding = false;
      await flood;
      expect(await floodGone).toBe('io server disconnect');
    });

    it('limits connections per address', async () => {
      server = await SignalingHarness.start({ maxConnectionsPerIp: 3 });
      const clients = [await server.connect(), await server.connect(), await server.connect()];
      await expect(server.connect()).rejects.toThrow();
      clients[0]!.disconnect();
      await sleep(100);
      await expect(server.connect()).resolves.toBeTruthy();
    });
  });

  describe('resource exhaustion', () => {
    it('leaves no room, participant, socket, timer or listener after 10,000 join/leave cycles', async () => {
      server = await SignalingHarness.start({ maxRoomSize: 50 });
      const io = server.signaling['server']!;
      const listeners = () => [io.listenerCount('connection'), io.engine.listenerCount('connection'), io.of('/').listenerCount('connection')];
      const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
      const listenersBefore = listeners();
      const timersBefore = timers();
      const clients = await Promise.all(Array.from({ length: 20 }, () => server!.connect()));
      const cycles = 10_000;
      let done = 0;
      await Promise.all(
        clients.map(async (client, index) => {
          for (let i = 0; i < cycles / clients.length; i++) {
            const joined = await server!.join(client, `room-${(index + i) % 37}`, `P${index}`);
            expect(joined.ok).toBe(true);
            await client.timeout(2_000).emitWithAck('leave', {});
            done += 1;
          }
        }),
      );
      expect(done).toBe(cycles);
      expect(await server.signaling.resources()).toEqual({ rooms: 0, participants: 0, retainedPasscodes: 0 });
      // Rooms of the socket.io adapter: only each socket's own room remains while connected.
      expect(io.of('/').adapter.rooms.size).toBe(clients.length);
      for (const client of clients) client.disconnect();
      await expect.poll(() => io.of('/').sockets.size).toBe(0);
      expect(io.of('/').adapter.rooms.size).toBe(0);
      expect(server.adapter.connections.size).toBe(0);
      expect(listeners()).toEqual(listenersBefore);
      await expect.poll(timers).toBeLessThanOrEqual(timersBefore);
    }, 120_000);
  });

  describe('cross-site WebSocket hijacking', () => {
    it("accepts the server's own origin and configured ones, refuses others in the handshake", async () => {
      server = await SignalingHarness.start({ allowedOrigins: ['https://app.example.org'] });
      const port = new URL(server.url).port;
      await expect(server.connect({ extraHeaders: { origin: `http://localhost:${port}` } })).resolves.toBeTruthy();
      await expect(server.connect({ extraHeaders: { origin: 'https://app.example.org' } })).resolves.toBeTruthy();
      await expect(server.connect({ extraHeaders: { origin: 'https://evil.example' } })).rejects.toThrow();
      await expect(server.connect({ transports: ['polling'], extraHeaders: { origin: 'https://evil.example' } })).rejects.toThrow();
    });
  });

  describe('room passcode', () => {
    it('requires the passcode, throttles wrong guesses and never logs it', async () => {
      const lines: string[] = [];
      const logs = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
      server = await SignalingHarness.start(
        { logLevel: 'trace', addressBudgets: { ...RELAXED_ADDRESS_BUDGETS, passcodeAttemptsPerMinute: 5 } },
        { logDestination: logs },
      );
      const passcode = 'correct horse battery';
      const owner = await server.connect();
      expect(await owner.timeout(2_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'locked', name: 'Owner', media, passcode })).toMatchObject({ ok: true });
      const guest = await server.connect();
      const attempt = (code?: string) =>
        guest.timeout(2_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'locked', name: 'Guest', media, ...(code ? { passcode: code } : {}) });
      expect(await attempt()).toMatchObject({ ok: false, error: { code: 'passcode_required', message: 'This room is protected by a passcode.' } });
      for (let i = 0; i < 5; i++) expect(await attempt(`wrong guess ${i}`)).toMatchObject({ ok: false, error: { code: 'wrong_passcode' } });
      // Throttled now, even with the right passcode, for this address and room.
      expect(await attempt(passcode)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      expect((await server.signaling.resources()).participants).toBe(1);
      // Message bodies are not logged either, relayed or refused.
      const sender = await server.participant('plain', 'Sender');
      const friend = await server.participant('plain', 'Friend');
      const friendId = friend.joined.self.id;
      const relayed = nextEvent(friend.client, 'description');
      const secretSdp = 'v=0\r\no=- 4242 2 IN IP4 203.0.113.7\r\n';
      sender.client.emit('description', { to: friendId, description: { type: 'offer', sdp: secretSdp } });
      expect((await relayed).description.sdp).toBe(secretSdp);
      const relayedCandidate = nextEvent(friend.client, 'candidate');
      sender.client.emit('candidate', { to: friendId, candidate: { candidate: 'candidate:9 1 udp 1 203.0.113.7 4242 typ host' } });
      await relayedCandidate;
      await refusal(sender.client, 'description', { to: friendId, description: { type: 'offer', sdp: secretSdp }, extra: 1 });
      const all = lines.join('');
      expect(all).not.toContain('203.0.113.7');
      expect(all).toContain('participant joined');
      expect(all).not.toContain(passcode);
      expect(all).not.toContain('wrong guess');
    });
  });

  describe('TURN credentials', () => {
    it('hands each participant its own short-lived TURN credential and never the secret', async () => {
      const secret = 'a-long-random-shared-secret-for-tests';
      server = await SignalingHarness.start({ turnUrls: ['turn:127.0.0.1:3478?transport=udp'], stunUrls: ['stun:127.0.0.1:3478'], turnSecret: secret, turnTtlSeconds: 600 });
      const before = Date.now();
      const ada = await server.participant('room', 'Ada');
      const turn = ada.joined.iceServers.find((s) => s.username !== undefined)!;
      const [expiry, participant] = turn.username!.split(':');
      expect(participant).toBe(ada.joined.self.id);
      expect(Number(expiry)).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 600);
      expect(Number(expiry)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);
      expect(turn.credential).toBe(turnCredential(secret, ada.joined.self.id, Number(expiry) - Math.floor(before / 1000), before).credential);
      expect(ada.joined.iceServers).toContainEqual({ urls: ['stun:127.0.0.1:3478'] });
      expect(JSON.stringify(ada.joined)).not.toContain(secret);
    });
  });

  describe('ICE servers for a self-test before joining', () => {
    it('hands out the servers a call would get, TURN credentials for a one-off name, within the per-address TURN budget', async () => {
      const secret = 'a-long-random-shared-secret-for-tests';
      server = await SignalingHarness.start({
        turnUrls: ['turn:127.0.0.1:3478?transport=udp'],
        stunUrls: ['stun:127.0.0.1:3478'],
        turnSecret: secret,
        addressBudgets: { ...RELAXED_ADDRESS_BUDGETS, turnCredentialsPerHour: 2 },
      });
      const client = await server.connect();
      const first: IceServersResponse = await client.timeout(2_000).emitWithAck('ice-servers', {});
      if (!first.ok) throw new Error(first.error.code);
      expect(first.iceTransportPolicy).toBe('all');
      expect(first.iceServers).toContainEqual({ urls: ['stun:127.0.0.1:3478'] });
      const turn = first.iceServers.find((s) => s.username !== undefined)!;
      expect(turn.username).toMatch(/^\d+:check-/);
      expect(JSON.stringify(first)).not.toContain(secret);
      // The same budget as joins: the second credential of the hour is the last, then STUN only.
      const second: IceServersResponse = await client.timeout(2_000).emitWithAck('ice-servers', {});
      const third: IceServersResponse = await client.timeout(2_000).emitWithAck('ice-servers', {});
      expect(second.ok && second.iceServers.some((s) => s.username !== undefined)).toBe(true);
      expect(third.ok && third.iceServers.some((s) => s.username !== undefined)).toBe(false);
      // Not a join: the connection holds no participant, and a malformed request is refused.
      expect(await server.signaling.resources()).toMatchObject({ participants: 0 });
      expect(await client.timeout(2_000).emitWithAck('ice-servers', { room: 'x' } as never)).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    });
  });

  describe('operations', () => {
    it('exposes Prometheus metrics, health, readiness and security headers', async () => {
      server = await SignalingHarness.start({ rateLimits: DEFAULT_RATE_LIMITS });
      const ada = await server.participant('room', 'Ada');
      const bob = await server.participant('room', 'Bob');
      const relayed = nextEvent(bob.client, 'candidate');
      ada.client.emit('candidate', { to: bob.joined.self.id, candidate });
      await relayed;
      await refusal(ada.client, 'candidate', { to: 'x' });
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toContain('meshmeet_connected_sockets 2');
      expect(text).toContain('meshmeet_rooms 1');
      expect(text).toContain('meshmeet_participants 2');
      expect(text).toContain('meshmeet_messages_relayed_total{kind="candidate"} 1');
      expect(text).toContain('meshmeet_messages_rejected_total{reason="invalid_message"} 1');
      expect(text).toMatch(/meshmeet_join_duration_seconds_count 2/);
      expect(text).toMatch(/meshmeet_room_size_participants_bucket\{le="2"\} 2/);
      expect(text).toContain('meshmeet_rate_limit_hits_total');
      // The event-loop delay histogram samples every 100 ms (prom-client's default is 10 ms, a timer that
      // cost an idle server 7 ms of CPU a second): its first samples show within a few.
      const loopDelayMin = async () => {
        const metrics = await (await fetch(`${server!.url}/metrics`)).text();
        return Number(/^meshmeet_nodejs_eventloop_lag_min_seconds (\S+)$/m.exec(metrics)?.[1]);
      };
      await expect.poll(loopDelayMin, { timeout: 2_000, interval: 100 }).toBeLessThan(5);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const health = await fetch(`${server.url}/healthz`);
      expect(health.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(health.headers.get('x-content-type-options')).toBe('nosniff');
      expect(health.headers.get('permissions-policy')).toContain('camera=(self)');
      expect(health.headers.get('x-powered-by')).toBeNull();
    });

    it('protects /metrics with a bearer token when one is configured', async () => {
      server = await SignalingHarness.start({ metricsToken: 'metrics-token-0123456789' });
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).status).toBe(200);
    });

    it('tells connected clients to reconnect when the server shuts down', async () => {
      server = await SignalingHarness.start();
      const ada = await server.participant('room', 'Ada');
      const notice = nextEvent(ada.client, 'server-shutdown');
      const gone = disconnected(ada.client);
      await server.app.close();
      expect(await notice).toEqual({ reconnectAfterMs: expect.any(Number) });
      expect(['io server disconnect', 'transport close']).toContain(await gone);
      server = undefined;
    });
  });
});
