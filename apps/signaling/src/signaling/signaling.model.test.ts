import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@meshmeet/protocol';
import { RoomStore } from '../rooms/room-store.js';
import { startRedis } from '../test-support/processes.js';
import { RawClient } from '../test-support/raw-client.js';
import { invariantViolations, SignalingHarness, sleep } from '../test-support/signaling-harness.js';

/**
 * Model-based test of the signaling state: random sequences of join / resume / leave / disconnect /
 * duplicate resume / drop-mid-resume / join+resume-in-one-write on several sockets and instances.
 * Each step is a batch of concurrent actions whose order on the wire the fast-check scheduler picks.
 * After every step the store invariant must hold (every participant held by exactly one live socket,
 * or by none with a deadline; no socket listening where it holds nobody); after the whole run and a
 * grace period plus a sweep, no participant may remain (every socket was closed).
 */

const SLOTS = 4;
const GRACE_MS = 50;
const media = { mic: true, camera: true, screen: false };

type ActionKind = 'join' | 'resume' | 'leave' | 'disconnect' | 'drop-mid-resume' | 'join+resume' | 'duplicate-resume';
interface Action {
  kind: ActionKind;
  slot: number;
  /** Another slot (duplicate resume). */
  other: number;
  instance: number;
  /** Index into the tokens seen so far (stale ones included). */
  token: number;
}

interface Real {
  instances: SignalingHarness[];
  roomId: string;
  /** The client of each slot, as soon as it starts opening (two actions may target one slot at once). */
  slots: (Promise<RawClient> | undefined)[];
  tokens: string[];
  violations: string[];
  actions: number;
}

type Reply = { ok?: boolean; resumeToken?: string } | undefined;

const actionArbitrary: fc.Arbitrary<Action> = fc.record({
  kind: fc.constantFrom<ActionKind>('join', 'join', 'resume', 'resume', 'leave', 'disconnect', 'drop-mid-resume', 'join+resume', 'duplicate-resume'),
  slot: fc.nat({ max: SLOTS - 1 }),
  other: fc.nat({ max: SLOTS - 1 }),
  instance: fc.nat({ max: 1 }),
  token: fc.nat({ max: 20 }),
});

function clientIn(real: Real, slot: number, instance: number): Promise<RawClient> {
  const existing = real.slots[slot];
  if (existing) return existing;
  const harness = real.instances[instance % real.instances.length]!;
  const opening = RawClient.open(harness.url);
  real.slots[slot] = opening;
  // The server may close it too (a resume elsewhere takes the participant over).
  void opening.then((client) =>
    client.closed.then(() => {
      if (real.slots[slot] === opening) real.slots[slot] = undefined;
    }),
  );
  return opening;
}

const resumeOf = (real: Real, index: number) =>
  ['resume', { protocol: PROTOCOL_VERSION, token: real.tokens.length ? real.tokens[index % real.tokens.length]! : 'unknown-token-0000000000' }] as [string, unknown];
const joinOf = (real: Real, slot: number) => ['join', { protocol: PROTOCOL_VERSION, roomId: real.roomId, name: `P${slot}` , media }] as [string, unknown];

/** Sends one action; resolves with its replies once they arrive (or the connection is gone). */
async function perform(real: Real, action: Action): Promise<Reply[]> {
  real.actions += 1;
  const client = await clientIn(real, action.slot, action.instance);
  switch (action.kind) {
    case 'join':
      return [(await client.emit(...joinOf(real, action.slot))) as Reply];
    case 'resume':
      return [(await client.emit(...resumeOf(real, action.token))) as Reply];
    case 'leave':
      return [(await client.emit('leave', {})) as Reply];
    case 'disconnect':
      client.close();
      return [];
    case 'drop-mid-resume':
      client.emitAndDrop(resumeOf(real, action.token));
      return [];
    case 'join+resume':
      return (await Promise.all(client.emitTogether(joinOf(real, action.slot), resumeOf(real, action.token)))) as Reply[];
    case 'duplicate-resume': {
      const other = await clientIn(real, action.other === action.slot ? (action.slot + 1) % SLOTS : action.other, action.instance + 1);
      const message = resumeOf(real, action.token);
      return (await Promise.all([client.emit(...message), other.emit(...message)])) as Reply[];
    }
  }
}

/**
 * Every reply in, every close noticed on both ends, every queued state change run, and quiet for a
 * while: socket.io hands an event to its handler a tick after the middleware, so the `resume` of a
 * connection that was reset can reach the service after that connection's `disconnect`.
 */
async function settle(real: Real): Promise<void> {
  const deadline = Date.now() + 3_000;
  let quietRounds = 0;
  while (quietRounds < 3) {
    await Promise.all(real.instances.map((instance) => instance.signaling.settled()));
    const open = real.slots.filter(Boolean).length;
    const serverSide = real.instances.reduce((sum, instance) => sum + instance.adapter.io!.of('/').sockets.size, 0);
    // socket.io forgets a closed socket before our disconnect handler runs: wait for both.
    const handled = real.instances.every((instance) => instance.signaling.connectionCount === instance.adapter.io!.of('/').sockets.size);
    quietRounds = open === serverSide && handled ? quietRounds + 1 : 0;
    if (Date.now() > deadline) throw new Error(`sockets did not settle: ${open} open clients, ${serverSide} server sockets`);
    await sleep(2);
  }
}

class Step implements fc.AsyncCommand<object, Real> {
  constructor(
    readonly actions: Action[],
    readonly scheduler: fc.Scheduler,
  ) {}

  check(): boolean {
    return true;
  }

  async run(_model: object, real: Real): Promise<void> {
    // The scheduler decides the order in which the concurrent actions go out.
    const replies = this.actions.map((action) => this.scheduler.schedule(Promise.resolve(action)).then((a) => perform(real, a)));
    await this.scheduler.waitAll();
    for (const reply of (await Promise.all(replies)).flat()) if (reply?.resumeToken) real.tokens.push(reply.resumeToken);
    await settle(real);
    const violations = await invariantViolations(real.instances);
    if (violations.length > 0) {
      real.violations.push(...violations);
      throw new Error(`invariant broken after ${this.toString()}:\n${violations.join('\n')}`);
    }
  }

  toString(): string {
    return `[${this.actions.map((a) => `${a.kind}@s${a.slot}/i${a.instance}`).join(', ')}]`;
  }
}

const stepArbitrary = fc.tuple(fc.array(actionArbitrary, { minLength: 1, maxLength: 3 }), fc.scheduler()).map(([actions, s]) => new Step(actions, s));

const RUNS = { memory: Number(process.env.MODEL_RUNS_MEMORY ?? 1_000), redis: Number(process.env.MODEL_RUNS_REDIS ?? 500) };

describe('signaling state, model-based (random interleavings on real sockets)', () => {
  let redis: { url: string; stop: () => Promise<void> };

  beforeAll(async () => {
    redis = await startRedis(Number(process.env.MODEL_REDIS_PORT ?? 18_379 + Math.floor(Math.random() * 1_000)));
  });

  afterAll(async () => {
    await redis.stop();
  });

  const variants = [
    { name: 'memory store', runs: RUNS.memory, start: async () => [await SignalingHarness.start({ resumeGraceMs: GRACE_MS })], sweepMs: 0 },
    {
      name: 'Redis, two instances',
      runs: RUNS.redis,
      start: async () => {
        const config = { redisUrl: redis.url, redisPrefix: `model-${Date.now()}:`, resumeGraceMs: GRACE_MS };
        return [await SignalingHarness.start(config), await SignalingHarness.start(config)];
      },
      sweepMs: 1_000,
    },
  ];

  it.each(variants)('$name: the invariant holds after every step, and no ghost is left after grace + a sweep', async ({ name, runs, start, sweepMs }) => {
    const instances = await start();
    const seed = Number(process.env.MODEL_SEED ?? Date.now() % 2 ** 31);
    let sequences = 0;
    let steps = 0;
    let actions = 0;
    const violations: string[] = [];
    const startedAt = Date.now();
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands([stepArbitrary], { maxCommands: 8 }), async (commands) => {
          const real: Real = { instances, roomId: `model-${sequences++}`, slots: [], tokens: [], violations, actions: 0 };
          try {
            await fc.asyncModelRun(() => ({ model: {}, real }), commands);
          } finally {
            steps += [...commands].length;
            actions += real.actions;
            for (const client of real.slots) void client?.then((c) => c.close());
          }
        }),
        { numRuns: runs, seed, endOnFailure: true },
      );
      // Every socket is closed now: after the grace period and one sweep nobody may be left.
      await sleep(GRACE_MS + sweepMs + 200);
      await Promise.all(instances.map((instance) => instance.signaling.settled()));
      const ghosts = await instances[0]!.app.get(RoomStore).records();
      console.info(
        `model test (${name}): ${sequences} sequences, ${steps} steps, ${actions} actions, seed ${seed}, ` +
          `${violations.length} invariant violations, ${ghosts.length} ghosts after grace + sweep, ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
      );
      expect(violations).toEqual([]);
      expect(ghosts).toEqual([]);
    } finally {
      for (const instance of instances) await instance.stop();
    }
  }, 600_000);
});
