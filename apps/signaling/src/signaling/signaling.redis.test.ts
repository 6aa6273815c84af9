import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type JoinResponse } from '@meshmeet/protocol';
import { createClient } from 'redis';
import { io } from 'socket.io-client';
import { LEASE_MS } from '../rooms/redis-room.store.js';
import { clientOptions, listeningUrl, PRODUCTION_ENV, startRedis, startServer, type Started } from '../test-support/processes.js';
import { nextEvent, record, refusal, SignalingHarness, sleep, type TestClient } from '../test-support/signaling-harness.js';

const offer = { type: 'offer', sdp: 'v=0\r\n' } as const;
const media = { mic: true, camera: true, screen: false };

describe('several signaling instances sharing a real Redis', () => {
  let redis: { url: string; stop: () => Promise<void> };
  const instances: SignalingHarness[] = [];
  const processes: Started[] = [];
  let prefixCount = 0;

  beforeAll(async () => {
    redis = await startRedis(16_379 + Math.floor(Math.random() * 1_000));
  });

  afterAll(async () => {
    await redis.stop();
  });

  afterEach(async () => {
    for (const instance of instances.splice(0)) await instance.stop();
    for (const process of processes.splice(0)) process.child.kill('SIGKILL');
  });

  /** Two instances on their own key prefix, so tests do not see each other's rooms. */
  async function pair(overrides = {}) {
    const redisPrefix = `t${++prefixCount}-${Date.now()}:`;
    const a = await SignalingHarness.start({ redisUrl: redis.url, redisPrefix, ...overrides });
    const b = await SignalingHarness.start({ redisUrl: redis.url, redisPrefix, ...overrides });
    instances.push(a, b);
    return [a, b, redisPrefix] as const;
  }

  it('a listener stays receive-only across instances and through a resume', async () => {
    const [a, b] = await pair();
    const nothing = { mic: false, camera: false, screen: false };
    const listener = await a.connect();
    const joined = await listener.timeout(2_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'listen', name: 'Lou', media: nothing, receiveOnly: true });
    if (!joined.ok) throw new Error(joined.error.code);
    const bob = await b.participant('listen', 'Bob');
    expect(bob.joined.participants).toEqual([expect.objectContaining({ name: 'Lou', receiveOnly: true })]);
    // Back through the other instance: still a listener, still refused a microphone.
    listener.disconnect();
    const again = await b.connect();
    const resumed = await again.timeout(2_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: joined.resumeToken });
    if (!resumed.ok) throw new Error(resumed.error.code);
    expect(resumed.self).toMatchObject({ id: joined.self.id, receiveOnly: true });
    expect(await refusal(again, 'media-state', { media: { ...nothing, mic: true } })).toMatchObject({ code: 'receive_only' });
  });

  it('participants on different instances share a room, relay and see each other come and go', async () => {
    const [a, b] = await pair();
    const ada = await a.participant('room', 'Ada');
    const joined = nextEvent(ada.client, 'participant-joined');
    const bob = await b.participant('room', 'Bob');
    expect(bob.joined.participants.map((p) => p.name)).toEqual(['Ada']);
    expect((await joined).participant.id).toBe(bob.joined.self.id);

    const toBob = nextEvent(bob.client, 'description');
    ada.client.emit('description', { to: bob.joined.self.id, description: offer });
    expect(await toBob).toEqual({ from: ada.joined.self.id, description: offer });
    const toAda = nextEvent(ada.client, 'candidate');
    bob.client.emit('candidate', { to: ada.joined.self.id, candidate: { candidate: '', sdpMid: '0' } });
    expect((await toAda).from).toBe(bob.joined.self.id);
    const muted = nextEvent(ada.client, 'media-state');
    bob.client.emit('media-state', { media: { mic: false, camera: true, screen: false } });
    expect(await muted).toEqual({ from: bob.joined.self.id, media: { mic: false, camera: true, screen: false } });

    // Cross-room isolation holds across instances too.
    const eve = await b.participant('other', 'Eve');
    const eveSaw = record(eve.client, 'description');
    expect(await refusal(ada.client, 'description', { to: eve.joined.self.id, description: offer })).toMatchObject({ event: 'description', code: 'unknown_participant' });
    expect(eveSaw).toEqual([]);
    const left = nextEvent(ada.client, 'participant-left');
    await bob.client.timeout(2_000).emitWithAck('leave', {});
    expect(await left).toEqual({ id: bob.joined.self.id });
    expect(await a.signaling.resources()).toMatchObject({ rooms: 2, participants: 2 });
  });

  it('a relay to a participant on the same instance goes straight to it: nothing is published to Redis', async () => {
    const [a, b, prefix] = await pair();
    // Watches what the adapter publishes for participant channels, as another instance would receive it.
    const watcher = createClient({ url: redis.url });
    await watcher.connect();
    const published: string[] = [];
    await watcher.pSubscribe(`${prefix}socket.io#/#participant:*`, (_message, channel) => published.push(channel.toString()), true);
    try {
      const ada = await a.participant('local', 'Ada');
      const bob = await a.participant('local', 'Bob');
      const cara = await b.participant('local', 'Cara');
      const bobGot = record(bob.client, 'candidate');
      for (let i = 0; i < 20; i += 1) ada.client.emit('candidate', { to: bob.joined.self.id, candidate: { candidate: `c${i}`, sdpMid: '0' } });
      await expect.poll(() => bobGot.length).toBe(20);
      expect(bobGot.map((relay) => relay.candidate.candidate)).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`));
      expect(bobGot.every((relay) => relay.from === ada.joined.self.id)).toBe(true);
      // One to the other instance is published, and the watcher sees it: it would have seen Bob's too.
      const toCara = nextEvent(cara.client, 'description');
      ada.client.emit('description', { to: cara.joined.self.id, description: offer });
      expect((await toCara).from).toBe(ada.joined.self.id);
      await expect.poll(() => published.length).toBe(1);
      expect(published).toEqual([`${prefix}socket.io#/#participant:local:${cara.joined.self.id}#`]);
    } finally {
      await watcher.close();
    }
  });

  it('a resume on another instance: whatever a peer sends after hearing of it reaches the new connection, in order', async () => {
    const [a, b] = await pair({ resumeGraceMs: 5_000 });
    const ada = await a.participant('window', 'Ada');
    // Bob's first connection stays open: a dead connection the server has not noticed yet, held on a.
    const bob = await a.participant('window', 'Bob');
    const bobId = bob.joined.self.id;
    const oldClosed = new Promise<void>((resolve) => bob.client.once('disconnect', () => resolve()));
    // Ada keeps sending to Bob, before, during and after his resume on b: relays local to a until then.
    let sent = 0;
    let sentBeforeResumeHeard: number | undefined;
    ada.client.once('participant-resumed', () => (sentBeforeResumeHeard = sent));
    const stream = setInterval(() => {
      for (let burst = 0; burst < 4 && sent < 4_000; burst += 1) ada.client.emit('candidate', { to: bobId, candidate: { candidate: `c${sent++}`, sdpMid: '0' } });
    }, 1);
    try {
      await sleep(100);
      const again = await b.connect();
      const newGot = record(again, 'candidate');
      const response = await again.timeout(2_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: bob.joined.resumeToken });
      expect(response).toMatchObject({ ok: true, self: { id: bobId } });
      await oldClosed;
      await expect.poll(() => sentBeforeResumeHeard).toBeTypeOf('number');
      await sleep(200);
      clearInterval(stream);
      const last = sent - 1;
      await expect.poll(() => newGot.at(-1)?.candidate.candidate, { timeout: 5_000 }).toBe(`c${last}`);
      const indices = newGot.map((relay) => Number(relay.candidate.candidate.slice(1)));
      const first = sentBeforeResumeHeard!;
      console.info(`resume across instances: ${sent} relays sent, the peer heard of the resume after ${first}; the new connection got ${indices.length}, from c${indices[0]}`);
      expect(last - first).toBeGreaterThan(50);
      // In order, and nothing sent after the peer heard of the resume is missing.
      expect(indices).toEqual([...indices].sort((x, y) => x - y));
      const afterHeard = indices.filter((index) => index >= first);
      expect(afterHeard).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
    } finally {
      clearInterval(stream);
    }
  });

  it('keeps a raised hand in Redis, stamped once, seen across instances and by late joiners', async () => {
    const [a, b] = await pair();
    const ada = await a.participant('hands', 'Ada');
    const bob = await b.participant('hands', 'Bob');
    const raised = nextEvent(bob.client, 'hand');
    ada.client.emit('hand', { raised: true });
    const { hand } = await raised;
    expect(hand).toBeTypeOf('number');
    const raisedAgain = nextEvent(bob.client, 'hand');
    ada.client.emit('hand', { raised: true });
    expect((await raisedAgain).hand).toBe(hand);
    const late = await b.participant('hands', 'Late');
    expect(late.joined.participants.find((p) => p.name === 'Ada')?.hand).toBe(hand);
    const lowered = nextEvent(late.client, 'hand');
    ada.client.emit('hand', { raised: false });
    expect(await lowered).toEqual({ from: ada.joined.self.id, hand: null });
  });

  it('admits exactly MAX_ROOM_SIZE of 50 concurrent joins spread over both instances', async () => {
    const [a, b] = await pair({ maxRoomSize: 8 });
    const clients: TestClient[] = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).connect()));
    const responses: JoinResponse[] = await Promise.all(
      clients.map((client, i) => client.timeout(5_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'race', name: `P${i}`, media })),
    );
    const admitted = responses.filter((r) => r.ok).length;
    const full = responses.filter((r) => !r.ok && r.error.code === 'room_full').length;
    console.info(`capacity race: 50 concurrent joins over 2 instances -> ${admitted} admitted, ${full} room_full`);
    expect(admitted).toBe(8);
    expect(full).toBe(42);
    expect(await a.signaling.resources()).toMatchObject({ rooms: 1, participants: 8 });
  });

  it('a resume works on another instance: same participant, nobody sees a leave', async () => {
    const [a, b] = await pair({ resumeGraceMs: 5_000 });
    const ada = await a.participant('room', 'Ada');
    const bob = await a.participant('room', 'Bob');
    const left = record(ada.client, 'participant-left');
    bob.client.disconnect();
    const resumed = nextEvent(ada.client, 'participant-resumed');
    const again = await b.connect();
    const response = await again.timeout(2_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: bob.joined.resumeToken });
    expect(response).toMatchObject({ ok: true, self: { id: bob.joined.self.id } });
    expect((await resumed).participant.id).toBe(bob.joined.self.id);
    const toBob = nextEvent(again, 'description');
    ada.client.emit('description', { to: bob.joined.self.id, description: offer });
    expect((await toBob).from).toBe(ada.joined.self.id);
    await sleep(1_500); // longer than a sweep: the resumed participant must not be expired
    expect(left).toEqual([]);
  });

  it('SIGKILL of an instance: its clients resume on the other one; a client that never returns is removed once', async () => {
    const redisPrefix = `kill-${Date.now()}:`;
    const env = { ...PRODUCTION_ENV, REDIS_URL: redis.url, REDIS_PREFIX: redisPrefix, LOG_LEVEL: 'warn', RESUME_GRACE_MS: '30000' };
    const [first, second] = [startServer(env), startServer(env)];
    processes.push(first, second);
    const [urlA, urlB] = [await listeningUrl(first), await listeningUrl(second)];
    const connect = async (url: string) => {
      const client: TestClient = io(url, clientOptions());
      await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('connect_error', reject));
      return client;
    };
    const join = async (client: TestClient, name: string) => {
      const response = await client.timeout(3_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'room', name, media });
      if (!response.ok) throw new Error(response.error.code);
      return response;
    };
    const survivor = await connect(urlB);
    const survivorJoin = await join(survivor, 'Survivor');
    const movers = [await connect(urlA), await connect(urlA)];
    const moverJoins = [await join(movers[0]!, 'Mover 1'), await join(movers[1]!, 'Mover 2')];
    const ghost = await connect(urlA);
    const ghostJoin = await join(ghost, 'Never returns');
    const left = record(survivor, 'participant-left');

    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await first.exited;
    // The movers reconnect to the surviving instance and resume with their tokens.
    for (const [i, join] of moverJoins.entries()) {
      const client = await connect(urlB);
      const response = await client.timeout(3_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: join.resumeToken });
      expect(response).toMatchObject({ ok: true, self: { id: join.self.id } });
      movers[i] = client;
    }
    const resumedMs = Date.now() - killedAt;
    const toMover = nextEvent(movers[0]!, 'description');
    survivor.emit('description', { to: moverJoins[0]!.self.id, description: offer });
    expect((await toMover).from).toBe(survivorJoin.self.id);

    // The one that never comes back: its lease runs out and exactly one leave is reported.
    await expect.poll(() => left.length, { timeout: LEASE_MS + 5_000, interval: 200 }).toBe(1);
    const ghostGoneMs = Date.now() - killedAt;
    await sleep(2_000);
    expect(left).toEqual([{ id: ghostJoin.self.id }]);
    console.info(`instance killed: movers resumed on the other after ${resumedMs} ms; a client that never returned was removed after ${ghostGoneMs} ms`);
    for (const client of [survivor, ...movers, ghost]) client.disconnect();
  }, 40_000);

  it('reports readiness from Redis: ready while it answers, not ready when it is gone', async () => {
    const own = await startRedis(17_379 + Math.floor(Math.random() * 1_000));
    const instance = await SignalingHarness.start({ redisUrl: own.url, redisPrefix: 'ready:' });
    instances.push(instance);
    const ready = await fetch(`${instance.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { redis: { status: 'up' } } });
    await own.stop();
    await expect.poll(async () => (await fetch(`${instance.url}/readyz`)).status, { timeout: 5_000 }).toBe(503);
    expect((await fetch(`${instance.url}/healthz`)).status).toBe(200);
  });
});
