import { describe, expect, it } from 'vitest';
import { ICE_DISCONNECTED_RESTART_MS, IceRestartPolicy, MAX_ICE_RESTARTS, type LinkHealth } from './ice-restart-policy.js';

function setup() {
  let now = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  let nextId = 1;
  const restarts: number[] = [];
  const health: LinkHealth[] = [];
  const policy = new IceRestartPolicy({
    restartIce: () => restarts.push(now),
    healthChanged: (h) => health.push(h),
    setTimer: (run, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimer: (id) => timers.delete(id as number),
  });
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...timers]) {
      if (timer.at <= now) {
        timers.delete(id);
        timer.run();
      }
    }
  };
  return { policy, restarts, health, advance };
}

describe('IceRestartPolicy', () => {
  it('waits before restarting a disconnected pair, and not at all if it recovers', () => {
    const { policy, restarts, advance } = setup();
    policy.onIceState('connected');
    policy.onIceState('disconnected');
    advance(ICE_DISCONNECTED_RESTART_MS - 1);
    policy.onIceState('connected');
    advance(10_000);
    expect(restarts).toEqual([]);
    policy.onIceState('disconnected');
    advance(ICE_DISCONNECTED_RESTART_MS);
    expect(restarts).toEqual([10_000 + ICE_DISCONNECTED_RESTART_MS - 1 + ICE_DISCONNECTED_RESTART_MS]);
  });

  it('restarts at once on failed and reports reconnecting, then connected', () => {
    const { policy, restarts, health } = setup();
    policy.onIceState('failed');
    expect(restarts).toHaveLength(1);
    policy.onIceState('connected');
    expect(health).toEqual(['reconnecting', 'connected']);
  });

  it('gives up after repeated failed restarts and shows the pair as failed', () => {
    const { policy, restarts, health } = setup();
    for (let i = 0; i <= MAX_ICE_RESTARTS; i++) policy.onIceState('failed');
    expect(restarts).toHaveLength(MAX_ICE_RESTARTS);
    expect(health.at(-1)).toBe('failed');
  });

  it('starts counting again after the pair reconnects', () => {
    const { policy, restarts } = setup();
    for (let i = 0; i < MAX_ICE_RESTARTS; i++) policy.onIceState('failed');
    policy.onIceState('connected');
    policy.onIceState('failed');
    expect(restarts).toHaveLength(MAX_ICE_RESTARTS + 1);
  });
});
