import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '@meshmeet/protocol';
import { AddressBudgets } from '../limits/address-budgets.js';
import { nextEvent, record, refusal, SignalingHarness, sleep } from '../test-support/signaling-harness.js';

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

describe('signaling gateway (real server, real socket.io client)', () => {
  let server: SignalingHarness;

  beforeEach(async () => {
    server = await SignalingHarness.start({ maxRoomSize: 3, resumeGraceMs: 300 });
  });

  afterEach(async () => {
    await server.stop();
  });

  it('assigns ids, returns the roster and tells the others who joined', async () => {
    const ada = await server.participant('room-a', 'Ada');
    expect(ada.joined.participants).toEqual([]);
    expect(ada.joined.protocol).toBe(PROTOCOL_VERSION);
    expect(ada.joined.maxRoomSize).toBe(3);
    const announced = nextEvent(ada.client, 'participant-joined');
    const bob = await server.participant('room-a', 'Bob');
    expect(bob.joined.participants).toEqual([{ id: ada.joined.self.id, name: 'Ada', media: { mic: true, camera: true, screen: false }, hand: null, receiveOnly: false }]);
    expect((await announced).participant).toEqual(bob.joined.self);
    expect(bob.joined.self.id).not.toBe(ada.joined.self.id);
  });

  it('answers a join before the room hears of the newcomer, so nothing reaches it from someone it does not know', async () => {
    // TURN credentials make the answer wait for the per-address TURN budget; make that wait long.
    await server.stop();
    server = await SignalingHarness.start({ maxRoomSize: 3, turnUrls: ['turn:127.0.0.1:3478?transport=udp'], turnSecret: 'a-long-random-shared-secret-for-tests' });
    const take = AddressBudgets.prototype.take;
    const slowTurn = vi.spyOn(AddressBudgets.prototype, 'take').mockImplementation(async function (this: AddressBudgets, kind, key) {
      if (kind === 'turn') await sleep(300);
      return take.call(this, kind, key);
    });
    try {
      const ada = await server.participant('ordered', 'Ada');
      // Ada offers the moment she hears of someone (a client that does not wait for the newcomer).
      ada.client.on('participant-joined', ({ participant }) => ada.client.emit('description', { to: participant.id, description: offer }));
      const bob = await server.connect();
      const seen: string[] = [];
      bob.on('description', () => seen.push('description'));
      const answer = await server.join(bob, 'ordered', 'Bob');
      seen.push('answer');
      expect(answer.ok).toBe(true);
      await expect.poll(() => seen, { timeout: 2_000 }).toEqual(['answer', 'description']);
    } finally {
      slowTurn.mockRestore();
    }
  });

  it('lets a participant join to listen only: the room sees it as such, and it cannot turn a source on', async () => {
    const ada = await server.participant('listen', 'Ada');
    const announced = nextEvent(ada.client, 'participant-joined');
    const listener = await server.connect();
    const nothing = { mic: false, camera: false, screen: false };
    const refused = await listener.timeout(2_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'listen', name: 'Lou', media: { ...nothing, mic: true }, receiveOnly: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const joined = await listener.timeout(2_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: 'listen', name: 'Lou', media: nothing, receiveOnly: true });
    if (!joined.ok) throw new Error(joined.error.code);
    expect(joined.self.receiveOnly).toBe(true);
    expect((await announced).participant).toMatchObject({ name: 'Lou', receiveOnly: true, media: nothing });
    const adaSaw = record(ada.client, 'media-state');
    expect(await refusal(listener, 'media-state', { media: { ...nothing, camera: true } })).toMatchObject({ event: 'media-state', code: 'receive_only' });
    // All off is still fine (nothing changes), and late joiners see a listener too.
    listener.emit('media-state', { media: nothing });
    await expect.poll(() => adaSaw.length, { timeout: 2_000 }).toBe(1);
    expect(adaSaw[0]).toEqual({ from: joined.self.id, media: nothing });
    const late = await server.participant('listen', 'Late');
    expect(late.joined.participants.find((p) => p.name === 'Lou')?.receiveOnly).toBe(true);
    expect(late.joined.participants.find((p) => p.name === 'Ada')?.receiveOnly).toBe(false);
  });

  it('keeps raised hands in the participant state: the room sees them in order, late joiners too, only the owner lowers', async () => {
    const ada = await server.participant('hands', 'Ada');
    const bob = await server.participant('hands', 'Bob');
    const seen = record(bob.client, 'hand');
    const adaSaw = record(ada.client, 'hand');
    ada.client.emit('hand', { raised: true });
    await expect.poll(() => seen.length, { message: 'Bob sees Ada raise her hand', timeout: 2_000 }).toBe(1);
    await sleep(5);
    bob.client.emit('hand', { raised: true });
    await expect.poll(() => adaSaw.length, { message: 'Ada sees Bob raise his hand', timeout: 2_000 }).toBe(1);
    // Raising again keeps the first time: the order cannot be jumped.
    ada.client.emit('hand', { raised: true });
    await expect.poll(() => seen.length, { message: 'Bob sees Ada raise her hand again', timeout: 2_000 }).toBe(2);
    await sleep(50);
    const late = await server.participant('hands', 'Late');
    const hands = Object.fromEntries(late.joined.participants.map((p) => [p.name, p.hand]));
    expect(hands.Ada).toBeTypeOf('number');
    expect(hands.Bob!).toBeGreaterThan(hands.Ada!);
    expect(seen).toEqual([
      { from: ada.joined.self.id, hand: hands.Ada },
      { from: ada.joined.self.id, hand: hands.Ada },
    ]);
    // A hand message names no one: it can only ever be the sender's.
    expect(await refusal(late.client, 'hand', { raised: false, from: ada.joined.self.id })).toMatchObject({ event: 'hand', code: 'invalid_message' });
    const lowered = nextEvent(late.client, 'hand');
    ada.client.emit('hand', { raised: false });
    expect(await lowered).toEqual({ from: ada.joined.self.id, hand: null });
  });

  it('relays descriptions and candidates to the named participant only, stamped with the real sender', async () => {
    const ada = await server.participant('room-a', 'Ada');
    const bob = await server.participant('room-a', 'Bob');
    const cy = await server.participant('room-a', 'Cy');
    const cySaw = record(cy.client, 'description');
    const description = nextEvent(bob.client, 'description');
    ada.client.emit('description', { to: bob.joined.self.id, description: offer });
    expect(await description).toEqual({ from: ada.joined.self.id, description: offer });
    const relayedCandidate = nextEvent(ada.client, 'candidate');
    bob.client.emit('candidate', { to: ada.joined.self.id, candidate });
    expect(await relayedCandidate).toEqual({ from: bob.joined.self.id, candidate });
    await sleep(100);
    expect(cySaw).toEqual([]);
  });

  it('keeps one connection\'s relays in the order sent, the first ones to someone new included', async () => {
    const ada = await server.participant('order', 'Ada');
    const bob = await server.participant('order', 'Bob');
    const received: string[] = [];
    bob.client.on('description', () => received.push('description'));
    bob.client.on('candidate', ({ candidate: c }) => received.push(c.candidate.split(' ').at(-1)!));
    // The first relay to Bob makes the server look his room up; the others must not overtake it.
    ada.client.emit('description', { to: bob.joined.self.id, description: offer });
    for (let i = 0; i < 30; i++) ada.client.emit('candidate', { to: bob.joined.self.id, candidate: { ...candidate, candidate: `${candidate.candidate} ${i}` } });
    await expect.poll(() => received.length, { message: 'Bob receives the description and 30 candidates', timeout: 2_000 }).toBe(31);
    expect(received).toEqual(['description', ...Array.from({ length: 30 }, (_, i) => String(i))]);
  });

  it('relays in order to a participant on long-polling and to one whose connection upgrades from it to WebSocket', async () => {
    const ada = await server.participant('transports', 'Ada');
    const polling = await server.participant('transports', 'Pat', { transports: ['polling'] });
    const upgrading = await server.participant('transports', 'Uma', { transports: ['polling', 'websocket'] });
    const received = new Map<string, string[]>();
    for (const { client, joined: { self: { id } } } of [polling, upgrading]) {
      received.set(id, []);
      client.on('description', ({ from }) => received.get(id)!.push(`description from ${from}`));
      client.on('candidate', ({ candidate: c }) => received.get(id)!.push(c.candidate.split(' ').at(-1)!));
    }
    for (const { joined: { self: { id } } } of [polling, upgrading]) {
      ada.client.emit('description', { to: id, description: offer });
      for (let i = 0; i < 40; i++) ada.client.emit('candidate', { to: id, candidate: { ...candidate, candidate: `${candidate.candidate} ${i}` } });
    }
    const expected = [`description from ${ada.joined.self.id}`, ...Array.from({ length: 40 }, (_, i) => String(i))];
    await expect.poll(() => [...received.values()], { timeout: 5_000 }).toEqual([expected, expected]);
    expect(polling.client.io.engine.transport.name).toBe('polling');
  });

  it('refuses a forged sender field and delivers nothing', async () => {
    const ada = await server.participant('room-a', 'Ada');
    const bob = await server.participant('room-a', 'Bob');
    const bobSaw = record(bob.client, 'description');
    const forged = { to: bob.joined.self.id, from: 'someone-else', description: offer };
    expect(await refusal(ada.client, 'description', forged)).toEqual({ event: 'description', code: 'invalid_message', message: expect.any(String) });
    await sleep(100);
    expect(bobSaw).toEqual([]);
  });

  it('never relays across rooms, even to a real participant id', async () => {
    const ada = await server.participant('room-a', 'Ada');
    const eve = await server.participant('room-b', 'Eve');
    const eveSaw = record(eve.client, 'description');
    const eveCandidates = record(eve.client, 'candidate');
    expect(await refusal(ada.client, 'description', { to: eve.joined.self.id, description: offer })).toMatchObject({ event: 'description', code: 'unknown_participant' });
    expect(await refusal(ada.client, 'candidate', { to: eve.joined.self.id, candidate })).toMatchObject({ event: 'candidate', code: 'unknown_participant' });
    // Once the server knows Eve's room, the refusal comes from memory: still refused.
    expect(await refusal(ada.client, 'candidate', { to: eve.joined.self.id, candidate })).toMatchObject({ event: 'candidate', code: 'unknown_participant' });
    await sleep(100);
    expect(eveSaw).toEqual([]);
    expect(eveCandidates).toEqual([]);
  });

  it('broadcasts media state inside the room and shows it to late joiners', async () => {
    const ada = await server.participant('room-a', 'Ada');
    const bob = await server.participant('room-a', 'Bob');
    const eve = await server.participant('room-b', 'Eve');
    const eveSaw = record(eve.client, 'media-state');
    const update = nextEvent(bob.client, 'media-state');
    ada.client.emit('media-state', { media: { mic: false, camera: true, screen: false } });
    expect(await update).toEqual({ from: ada.joined.self.id, media: { mic: false, camera: true, screen: false } });
    const cy = await server.participant('room-a', 'Cy');
    expect(cy.joined.participants.find((p) => p.id === ada.joined.self.id)?.media).toEqual({ mic: false, camera: true, screen: false });
    await sleep(100);
    expect(eveSaw).toEqual([]);
  });

  it('tells the others at once when someone leaves or disconnects', async () => {
    const ada = await server.participant('room-a', 'Ada');
    const bob = await server.participant('room-a', 'Bob');
    const cy = await server.participant('room-a', 'Cy');
    const bobLeft = nextEvent(ada.client, 'participant-left', 1_000);
    expect(await bob.client.timeout(2_000).emitWithAck('leave', {})).toEqual({ ok: true });
    expect(await bobLeft).toEqual({ id: bob.joined.self.id });
    // A dropped connection is only a leave once the resume grace period (300 ms here) has passed.
    const cyLeft = nextEvent(ada.client, 'participant-left', 2_000);
    const droppedAt = Date.now();
    cy.client.disconnect();
    expect(await cyLeft).toEqual({ id: cy.joined.self.id });
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(250);
    // The seats are free again.
    await server.participant('room-a', 'Dee');
    await server.participant('room-a', 'Eli');
  });

  it('refuses a participant beyond MAX_ROOM_SIZE with room_full', async () => {
    for (const name of ['A', 'B', 'C']) await server.participant('room-a', name);
    const fourth = await server.connect();
    const response = await server.join(fourth, 'room-a', 'D');
    expect(response).toMatchObject({ ok: false, error: { code: 'room_full', message: 'This room is full.', roomSize: 3 } });
    // A refused client can still join another room.
    expect(await server.join(fourth, 'room-b', 'D')).toMatchObject({ ok: true });
  });

  it('answers invalid messages with a stable code, without echoing the payload', async () => {
    const client = await server.connect();
    const secret = 'x'.repeat(100) + '<script>';
    const bad = await client.timeout(2_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: secret, name: 'A', media: {} } as never);
    expect(bad).toEqual({ ok: false, error: { code: 'invalid_message', message: 'The message is malformed or has invalid fields.' } });
    expect(JSON.stringify(bad)).not.toContain('<script>');
    const notObject = await client.timeout(2_000).emitWithAck('join', 'hello' as never);
    expect(notObject).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    // A client of protocol 1 sends media as {audio, video}: it must hear "reload", not "malformed".
    const oldClient = await (client as unknown as { timeout: (ms: number) => { emitWithAck: (e: string, p: unknown) => Promise<unknown> } })
      .timeout(2_000)
      .emitWithAck('join', { protocol: 1, roomId: 'r', name: 'A', media: { audio: true, video: true } });
    expect(oldClient).toMatchObject({ ok: false, error: { code: 'unsupported_protocol', message: 'meshmeet was updated. Reload the page to join.' } });
    const newerClient = await client.timeout(2_000).emitWithAck('join', { protocol: 999, roomId: 'r', name: 'A', media: { mic: true, camera: true, screen: false } });
    expect(newerClient).toMatchObject({ ok: false, error: { code: 'unsupported_protocol' } });
    expect(await refusal(client, 'media-state', { media: { mic: true, camera: true, screen: false } })).toMatchObject({ event: 'media-state', code: 'not_in_room' });
    expect(await refusal(client, 'candidate', { to: 'someone', candidate })).toMatchObject({ event: 'candidate', code: 'not_in_room' });
  });

  it('acknowledges no relay, and reports refusals of fire-and-forget messages as signal-error events', async () => {
    const ada = await server.participant('room-a', 'Ada');
    const bob = await server.participant('room-a', 'Bob');
    // A client that still asks for an acknowledgement (protocol 2 did) gets the relay through, and no answer.
    let answered = false;
    const delivered = nextEvent(bob.client, 'candidate');
    (ada.client.emit as (event: string, payload: unknown, ack: () => void) => void)('candidate', { to: bob.joined.self.id, candidate }, () => (answered = true));
    expect(await delivered).toEqual({ from: ada.joined.self.id, candidate });
    await sleep(100);
    expect(answered).toBe(false);
    const client = await server.connect();
    const error = nextEvent(client, 'signal-error');
    (client.emit as (event: string, payload: unknown) => void)('candidate', { to: 'nobody' });
    expect(await error).toEqual({ event: 'candidate', code: 'invalid_message', message: expect.any(String) });
  });

  it('lets a socket join only once and keeps the room state unchanged by bad input', async () => {
    const ada = await server.participant('room-a', 'Ada');
    expect(await server.join(ada.client, 'room-b', 'Ada')).toMatchObject({ ok: false, error: { code: 'already_joined' } });
    const bob = await server.participant('room-a', 'Bob');
    expect(bob.joined.participants.map((p) => p.name)).toEqual(['Ada']);
    expect(await refusal(ada.client, 'description', { to: ada.joined.self.id, description: offer })).toMatchObject({ code: 'unknown_participant' });
  });

  it('keeps only the address of the HTTP request that opened a connection, not its headers', async () => {
    const client = await server.connect({ extraHeaders: { 'x-large-header': 'x'.repeat(4_000) } });
    await server.join(client, 'room-a', 'Ada');
    const [socket] = server.signaling['server']!.of('/').sockets.values();
    expect(socket!.data.address).toBe('127.0.0.1');
    expect((socket!.conn as unknown as { request: unknown }).request).toBeNull();
    const { headers, query, url, time, address } = socket!.handshake;
    expect({ headers, query, url, time, address }).toEqual({ headers: {}, query: {}, url: '', time: '', address: '127.0.0.1' });
  });

  it('gives every engine.io session an unguessable id of 120 random bits, URL-safe', async () => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => server.connect({ transports: ['polling', 'websocket'] })));
    const ids = clients.map((client) => client.io.engine.id);
    expect(new Set(ids).size).toBe(clients.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    // Long-polling and the upgrade find the session by that id.
    await expect.poll(() => clients.every((client) => client.io.engine.transport.name === 'websocket')).toBe(true);
  });

  it('serves GET /healthz', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });
});
