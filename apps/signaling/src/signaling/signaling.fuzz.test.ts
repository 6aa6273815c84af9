import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@meshmeet/protocol';
import { nextEvent, refusal, SignalingHarness, type TestClient } from '../test-support/signaling-harness.js';

const MESSAGES = 12_000;
const EVENTS = ['join', 'leave', 'description', 'candidate', 'media-state'] as const;

/** Payloads close to valid ones (right keys, wrong values; extra or missing keys), plus anything at all. */
function payloads(knownIds: string[]) {
  const id = fc.oneof(fc.constantFrom(...knownIds, ''), fc.string({ maxLength: 80 }));
  const media = fc.oneof(fc.record({ mic: fc.boolean(), camera: fc.boolean(), screen: fc.boolean() }), fc.anything());
  const description = fc.oneof(
    fc.record({ type: fc.constantFrom('offer', 'answer', 'rollback', 'pranswer'), sdp: fc.string({ maxLength: 200 }) }),
    fc.anything(),
  );
  const candidate = fc.oneof(
    fc.record(
      { candidate: fc.string({ maxLength: 120 }), sdpMid: fc.option(fc.string({ maxLength: 8 })), sdpMLineIndex: fc.option(fc.integer()) },
      { requiredKeys: [] },
    ),
    fc.anything(),
  );
  const valid = fc.oneof(
    fc.record({
      protocol: fc.constant(PROTOCOL_VERSION),
      roomId: fc.constantFrom('fuzz-a', 'fuzz-b'),
      name: fc.string({ minLength: 1, maxLength: 20 }).filter((n) => /^[A-Za-z]+$/.test(n)),
      media: fc.record({ mic: fc.boolean(), camera: fc.boolean(), screen: fc.boolean() }),
    }),
    fc.record({ to: fc.constantFrom(...knownIds), candidate: fc.record({ candidate: fc.constant('candidate:1 1 udp 1 127.0.0.1 9 typ host'), sdpMid: fc.constant('0') }) }),
    fc.record({ media: fc.record({ mic: fc.boolean(), camera: fc.boolean(), screen: fc.boolean() }) }),
    fc.constant({}),
  );
  return fc.oneof(
    valid,
    fc.anything({ withBoxedValues: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, maxDepth: 6 }),
    fc.record(
      {
        protocol: fc.oneof(fc.constant(PROTOCOL_VERSION), fc.double(), fc.string()),
        roomId: fc.oneof(fc.constantFrom('fuzz-a', 'fuzz-b'), fc.string({ maxLength: 100 })),
        name: fc.string({ maxLength: 60 }),
        media,
        passcode: fc.string({ maxLength: 70 }),
        id: id,
        from: id,
        __proto__: fc.object(),
      },
      { requiredKeys: [] },
    ),
    fc.record({ to: id, description, from: id }, { requiredKeys: ['to'] }),
    fc.record({ to: id, candidate }, { requiredKeys: [] }),
    fc.record({ media }, { requiredKeys: [] }),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  );
}

describe('fuzzing the running signaling server', () => {
  let server: SignalingHarness;

  beforeAll(async () => {
    server = await SignalingHarness.start({ maxRoomSize: 8 });
  });

  afterAll(async () => {
    await server.stop();
  });

  it(`survives ${MESSAGES} generated messages of every shape without leaking state`, async () => {
    // Two legitimate participants sit in the fuzzed rooms the whole time.
    const resident = await server.participant('fuzz-a', 'Resident');
    const fuzzers: TestClient[] = await Promise.all(Array.from({ length: 6 }, () => server.connect()));
    const knownIds = [resident.joined.self.id];
    const messages = fc.sample(
      fc.record({
        client: fc.nat({ max: fuzzers.length - 1 }),
        event: fc.oneof(
          { arbitrary: fc.constantFrom(...EVENTS), weight: 8 },
          { arbitrary: fc.constantFrom('error', 'constructor', '__proto__', 'toString'), weight: 1 },
          { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
        ),
        payload: payloads(knownIds),
        withAck: fc.boolean(),
        extraArgs: fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 2 }),
      }),
      { numRuns: MESSAGES, seed: 20261121 },
    );
    let sent = 0;
    let answered = 0;
    const outcomes = new Map<string, number>();
    const count = (response: unknown) => {
      answered += 1;
      const r = response as { ok?: boolean; error?: { code?: string } };
      const key = r?.ok === true ? 'ok' : (r?.error?.code ?? 'other');
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    };
    for (const [index, message] of messages.entries()) {
      const client = fuzzers[message.client]!;
      if (!client.connected) continue;
      const emit = client.emit.bind(client) as (event: string, ...args: unknown[]) => void;
      const args: unknown[] = [message.payload, ...message.extraArgs];
      if (message.withAck) args.push(count);
      try {
        emit(message.event, ...args);
        sent += 1;
      } catch {
        // socket.io-client refuses reserved names itself; those never reach the server.
      }
      if (index % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(sent).toBeGreaterThanOrEqual(MESSAGES * 0.95);
    // Every fuzzing socket still connected is still served: a refusal coming back proves its queue drained.
    for (const client of fuzzers.filter((c) => c.connected)) await refusal(client, 'media-state', { media: 'on' }, 5_000);
    expect(answered).toBeGreaterThan(0);
    const stillConnected = fuzzers.filter((c) => c.connected).length;
    console.info(
      `fuzz: ${sent} messages sent, ${answered} acknowledged (${[...outcomes].map(([k, v]) => `${k}: ${v}`).join(', ')}), ` +
        `${stillConnected}/${fuzzers.length} fuzzing sockets still connected, server state ${JSON.stringify(await server.signaling.resources())}`,
    );
    // Nothing the fuzzer sends is a reason to drop a connection while it stays under the rate limits.
    expect(stillConnected).toBe(fuzzers.length);

    // A legitimate call flow still works next to the fuzzed state.
    const ada = await server.participant('after-fuzz', 'Ada');
    const bob = await server.participant('after-fuzz', 'Bob');
    const offer = nextEvent(bob.client, 'description');
    ada.client.emit('description', { to: bob.joined.self.id, description: { type: 'offer', sdp: 'v=0\r\n' } });
    expect(await offer).toMatchObject({ from: ada.joined.self.id });
    expect((await server.participant('fuzz-a', 'Late')).joined.participants.map((p) => p.id)).toContain(resident.joined.self.id);

    // No ghosts: once everyone has gone, nothing is left.
    for (const client of [...fuzzers, resident.client, ada.client, bob.client]) client.disconnect();
    await server.disconnectAll();
    // (Dropped connections wait out the short resume grace period of the test server first.)
    await expect.poll(() => server.signaling.resources()).toEqual({ rooms: 0, participants: 0, retainedPasscodes: 0 });
    await expect.poll(() => server.adapter.connections.size).toBe(0);
  }, 120_000);
});
