import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@meshmeet/protocol';
import { loadConfig } from '../config/config.schema.js';
import { nextEvent, record, SignalingHarness, sleep } from '../test-support/signaling-harness.js';

const offer = { type: 'offer', sdp: 'v=0\r\n' } as const;

describe('session resume (real server, real socket.io clients)', () => {
  let server: SignalingHarness;

  afterEach(async () => {
    await server.stop();
  });

  it('a dropped connection resumes as the same participant without anyone seeing a leave', async () => {
    server = await SignalingHarness.start({ resumeGraceMs: 5_000 });
    const ada = await server.participant('room', 'Ada');
    const bob = await server.participant('room', 'Bob');
    const left = record(ada.client, 'participant-left');
    bob.client.disconnect();
    await sleep(200);
    const resumed = nextEvent(ada.client, 'participant-resumed');
    const again = await server.connect();
    const response = await again.timeout(2_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: bob.joined.resumeToken });
    expect(response).toMatchObject({ ok: true, self: { id: bob.joined.self.id, name: 'Bob' }, participants: [{ id: ada.joined.self.id }] });
    expect((await resumed).participant.id).toBe(bob.joined.self.id);
    // Relaying works both ways under the same id, and the token was rotated.
    const description = nextEvent(again, 'description');
    ada.client.emit('description', { to: bob.joined.self.id, description: offer });
    expect((await description).from).toBe(ada.joined.self.id);
    expect(response.ok && response.resumeToken).not.toBe(bob.joined.resumeToken);
    const reuse = await (await server.connect()).timeout(2_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: bob.joined.resumeToken });
    expect(reuse).toMatchObject({ ok: false, error: { code: 'session_unknown' } });
    await sleep(100);
    expect(left).toEqual([]);
  });

  it('alone, keeps no socket.io room per participant: relays go to the connection held, none to someone waiting for a resume', async () => {
    server = await SignalingHarness.start({ resumeGraceMs: 5_000 });
    const namespace = server.signaling['server']!.of('/');
    const ada = await server.participant('room', 'Ada');
    const bob = await server.participant('room', 'Bob');
    // Besides each connection's own room (its id), one room per call, nothing per participant.
    expect([...namespace.adapter.rooms.keys()].filter((name) => !namespace.sockets.has(name))).toEqual(['room:room']);
    const delivered = nextEvent(bob.client, 'description');
    ada.client.emit('description', { to: bob.joined.self.id, description: offer });
    expect((await delivered).from).toBe(ada.joined.self.id);

    bob.client.disconnect();
    await expect.poll(() => namespace.sockets.size).toBe(1);
    const refused = record(ada.client, 'signal-error');
    const again = await server.connect();
    const received = record(again, 'description');
    ada.client.emit('description', { to: bob.joined.self.id, description: { type: 'offer', sdp: 'v=0\r\nlost' } });
    await sleep(100);
    const response = await again.timeout(2_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: bob.joined.resumeToken });
    expect(response.ok).toBe(true);
    const later = nextEvent(again, 'description');
    ada.client.emit('description', { to: bob.joined.self.id, description: offer });
    expect(await later).toEqual({ from: ada.joined.self.id, description: offer });
    // The one sent while Bob had no connection reached nobody, and was not refused (Bob is still in the room).
    expect(received).toEqual([{ from: ada.joined.self.id, description: offer }]);
    expect(refused).toEqual([]);
    expect([...namespace.adapter.rooms.keys()].filter((name) => !namespace.sockets.has(name))).toEqual(['room:room']);
  });

  it('a resume takes over from a connection the server still thinks is alive', async () => {
    server = await SignalingHarness.start({ resumeGraceMs: 5_000 });
    const ada = await server.participant('room', 'Ada');
    const bob = await server.participant('room', 'Bob');
    const left = record(ada.client, 'participant-left');
    const stale = new Promise((resolve) => bob.client.once('disconnect', resolve));
    const again = await server.connect();
    expect(await again.timeout(2_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: bob.joined.resumeToken })).toMatchObject({ ok: true });
    await stale;
    const description = nextEvent(again, 'description');
    ada.client.emit('description', { to: bob.joined.self.id, description: offer });
    expect((await description).from).toBe(ada.joined.self.id);
    await sleep(100);
    expect(left).toEqual([]);
    expect(await server.signaling.resources()).toMatchObject({ participants: 2 });
  });

  it('after the grace period the participant is removed and the others are told once', async () => {
    server = await SignalingHarness.start({ resumeGraceMs: 300 });
    const ada = await server.participant('room', 'Ada');
    const bob = await server.participant('room', 'Bob');
    const left = record(ada.client, 'participant-left');
    bob.client.disconnect();
    await sleep(150);
    expect(left).toEqual([]);
    await expect.poll(() => left.length).toBe(1);
    await sleep(400);
    expect(left).toEqual([{ id: bob.joined.self.id }]);
    const late = await (await server.connect()).timeout(2_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: bob.joined.resumeToken });
    expect(late).toMatchObject({ ok: false, error: { code: 'session_unknown', message: expect.any(String) } });
    expect(await server.signaling.resources()).toMatchObject({ participants: 1 });
  });

  it('answers a token from a server that lost its state with session_unknown', async () => {
    server = await SignalingHarness.start();
    const ada = await server.participant('room', 'Ada');
    await server.stop();
    server = await SignalingHarness.start();
    const client = await server.connect();
    const response = await client.timeout(2_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: ada.joined.resumeToken });
    expect(response).toMatchObject({ ok: false, error: { code: 'session_unknown' } });
    // The same connection can then join as a new participant.
    expect(await server.join(client, 'room', 'Ada')).toMatchObject({ ok: true });
  });

  it('an explicit leave ends the session at once', async () => {
    server = await SignalingHarness.start({ resumeGraceMs: 5_000 });
    const ada = await server.participant('room', 'Ada');
    const bob = await server.participant('room', 'Bob');
    const left = nextEvent(ada.client, 'participant-left', 500);
    await bob.client.timeout(2_000).emitWithAck('leave', {});
    expect(await left).toEqual({ id: bob.joined.self.id });
    const response = await (await server.connect()).timeout(2_000).emitWithAck('resume', { protocol: PROTOCOL_VERSION, token: bob.joined.resumeToken });
    expect(response).toMatchObject({ ok: false, error: { code: 'session_unknown' } });
  });

  it('notices a connection that went silent within ping interval + timeout (default 10 s + 5 s)', async () => {
    expect(loadConfig({}).pingIntervalMs + loadConfig({}).pingTimeoutMs).toBeLessThanOrEqual(15_000);
    server = await SignalingHarness.start({ pingIntervalMs: 1_000, pingTimeoutMs: 1_000, resumeGraceMs: 100 });
    const ada = await server.participant('room', 'Ada');
    const bob = await server.participant('room', 'Bob');
    // Bob's network dies silently: no close frame, no more pongs.
    const engine = bob.client.io.engine as unknown as { _sendPacket: (type: string, ...rest: unknown[]) => void };
    const send = engine._sendPacket.bind(engine);
    engine._sendPacket = (type, ...rest) => {
      if (type !== 'pong') send(type, ...rest);
    };
    const silentAt = Date.now();
    const left = await nextEvent(ada.client, 'participant-left', 6_000);
    const noticedMs = Date.now() - silentAt;
    expect(left).toEqual({ id: bob.joined.self.id });
    expect(noticedMs).toBeLessThanOrEqual(2_000 + 1_000 + 500);
  });
});
