import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@meshmeet/protocol';
import { RoomStore } from '../rooms/room-store.js';
import { startRedis } from '../test-support/processes.js';
import { RawClient } from '../test-support/raw-client.js';
import { invariantViolations, SignalingHarness, sleep } from '../test-support/signaling-harness.js';

const media = { mic: true, camera: true, screen: false };
const join = (roomId: string, name = 'Attacker') => ['join', { protocol: PROTOCOL_VERSION, roomId, name, media }] as [string, unknown];
const resume = (token: string) => ['resume', { protocol: PROTOCOL_VERSION, token }] as [string, unknown];
const GRACE_MS = 100;

type Setup = { name: string; start: () => Promise<SignalingHarness[]>; settleMs: number };

let redis: { url: string; stop: () => Promise<void> } | undefined;
let prefixes = 0;

const setups: Setup[] = [
  {
    name: 'memory store',
    start: async () => [await SignalingHarness.start({ resumeGraceMs: GRACE_MS })],
    settleMs: GRACE_MS + 200,
  },
  {
    name: 'Redis, two instances',
    start: async () => {
      const redisPrefix = `attack-${++prefixes}-${Date.now()}:`;
      const config = { redisUrl: redis!.url, redisPrefix, resumeGraceMs: GRACE_MS };
      return [await SignalingHarness.start(config), await SignalingHarness.start(config)];
    },
    // Grace period, then a sweep (every second).
    settleMs: GRACE_MS + 1_500,
  },
];

/** State after every pending join/resume/leave/disconnect has run, on every instance. */
async function settled(instances: SignalingHarness[]): Promise<void> {
  await sleep(30);
  await Promise.all(instances.map((instance) => instance.signaling.settled()));
}

describe.each(setups)('signaling state under attack ($name)', ({ start, settleMs }) => {
  let instances: SignalingHarness[] = [];

  beforeAll(async () => {
    redis ??= await startRedis(17_379 + Math.floor(Math.random() * 1_000));
  });

  afterAll(async () => {
    await redis?.stop();
    redis = undefined;
  });

  afterEach(async () => {
    for (const instance of instances.splice(0)) await instance.stop();
  });

  const store = () => instances[0]!.app.get(RoomStore);
  const on = (i: number) => instances[i % instances.length]!;

  it('join and resume in one TCP write hold one participant at most; 8 such pairs cannot lock a room', async () => {
    instances = await start();
    const room = 'squat';
    let refused = 0;
    for (let i = 0; i < 8; i++) {
      const victim = await on(i).participant(room, `Own ${i}`);
      victim.client.disconnect();
      await settled(instances);
      const attacker = await RawClient.open(on(i + 1).url);
      const replies = (await Promise.all(attacker.emitTogether(resume(victim.joined.resumeToken), join(room)))) as { ok: boolean; error?: { code: string } }[];
      refused += replies.filter((r) => r?.error?.code === 'already_joined').length;
      await settled(instances);
      expect(await invariantViolations(instances)).toEqual([]);
      attacker.close();
      await attacker.closed;
    }
    console.info(`one-write join+resume: ${refused}/8 second requests refused with already_joined`);
    expect(refused).toBe(8);
    await settled(instances);
    await expect.poll(async () => (await store().records()).length, { timeout: settleMs + 2_000 }).toBe(0);
    // The room is not "full" of ghosts: a whole room's worth of people can join.
    for (let i = 0; i < 8; i++) await on(i).participant(room, `Later ${i}`);
  });

  it('the same resume token on two sockets at once: exactly one wins, 20 of 20 tries', async () => {
    instances = await start();
    let singleWinners = 0;
    for (let i = 0; i < 20; i++) {
      const owner = await on(0).participant(`race-${i}`, 'Owner');
      const [a, b] = await Promise.all([RawClient.open(on(0).url), RawClient.open(on(1).url)]);
      const replies = (await Promise.all([a.emit(...resume(owner.joined.resumeToken)), b.emit(...resume(owner.joined.resumeToken))])) as {
        ok: boolean;
        error?: { code: string };
      }[];
      const wins = replies.filter((r) => r.ok).length;
      if (wins === 1 && replies.some((r) => r.error?.code === 'session_unknown')) singleWinners += 1;
      await settled(instances);
      expect(await invariantViolations(instances)).toEqual([]);
      a.close();
      b.close();
    }
    console.info(`duplicate resume: exactly one winner in ${singleWinners}/20 tries`);
    expect(singleWinners).toBe(20);
  });

  it('a resume whose connection drops 0-4 ms after sending leaves nobody alive for ever (120 tries)', async () => {
    instances = await start();
    for (let i = 0; i < 120; i++) {
      const owner = await on(i).participant(`drop-${i}`, 'Owner');
      owner.client.disconnect();
      const attacker = await RawClient.open(on(i + 1).url);
      if (i % 5 === 0) attacker.emitAndDrop(resume(owner.joined.resumeToken));
      else {
        void attacker.emit(...resume(owner.joined.resumeToken));
        await sleep(i % 5);
        attacker.close();
      }
    }
    await settled(instances);
    expect(await invariantViolations(instances)).toEqual([]);
    const started = Date.now();
    await expect.poll(async () => (await store().records()).length, { timeout: settleMs + 3_000 }).toBe(0);
    console.info(`dropped mid-resume: 120 tries, no participant left ${Date.now() - started} ms after the last one`);
  });

  it('a participant removed after its grace period leaves no socket listening in the room', async () => {
    instances = await start();
    const ada = await on(0).participant('listen', 'Ada');
    const bob = await on(1).participant('listen', 'Bob');
    // Bob's connection drops mid-resume from a second connection, over and over.
    for (let i = 0; i < 10; i++) {
      const again = await RawClient.open(on(i).url);
      again.emitAndDrop(resume(bob.joined.resumeToken));
    }
    bob.client.disconnect();
    await expect.poll(async () => (await store().records()).map((r) => r.id), { timeout: settleMs + 3_000 }).toEqual([ada.joined.self.id]);
    const spy = await RawClient.open(on(1).url);
    await settled(instances);
    expect(await invariantViolations(instances)).toEqual([]);
    await on(0).participant('listen', 'Cy');
    await sleep(100);
    expect(spy.events).toEqual([]);
    spy.close();
  });
});
