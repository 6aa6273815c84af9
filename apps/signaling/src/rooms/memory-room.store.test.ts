import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MediaState } from '@meshmeet/protocol';
import { ProtocolError } from '../common/protocol.error.js';
import { MemoryRoomStore } from './memory-room.store.js';
import { PasscodeHasher } from './passcode.js';

const on = { mic: true, camera: true, screen: false };
let connections = 0;

function store(maxRoomSize = 8, passcodeRetentionMs = 60_000) {
  return new MemoryRoomStore({ maxRoomSize, passcodeRetentionMs }, new PasscodeHasher());
}

const join = (rooms: MemoryRoomStore, roomId: string, name: string, media: MediaState = on, passcode?: string) =>
  rooms.join({ roomId, name, media, receiveOnly: false, connection: `socket-${++connections}`, ...(passcode !== undefined ? { passcode } : {}) });

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof ProtocolError ? error.code : 'other'),
  );

describe('MemoryRoomStore', () => {
  afterEach(() => vi.useRealTimers());

  it('assigns a fresh unique id and returns the earlier participants in join order', async () => {
    const rooms = store();
    const a = await join(rooms, 'r1', 'Ada');
    const b = await join(rooms, 'r1', 'Bob', { mic: false, camera: true, screen: false });
    const c = await join(rooms, 'r1', 'Cy');
    expect(new Set([a.self.id, b.self.id, c.self.id]).size).toBe(3);
    expect(a.self.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(a.resumeToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.others).toEqual([]);
    expect(c.others.map((p) => p.name)).toEqual(['Ada', 'Bob']);
    expect(c.others[1]?.media).toEqual({ mic: false, camera: true, screen: false });
  });

  it('keeps rooms apart', async () => {
    const rooms = store();
    const a = await join(rooms, 'r1', 'Ada');
    const b = await join(rooms, 'r2', 'Bob');
    expect(b.others).toEqual([]);
    expect(await rooms.roomOf(b.self.id)).toBe('r2');
    const c = await join(rooms, 'r1', 'Cy');
    expect(await rooms.roomOf(a.self.id)).toBe('r1');
    expect(await rooms.roomOf(c.self.id)).toBe('r1');
  });

  it('refuses a participant beyond capacity with room_full and changes nothing', async () => {
    const rooms = store(2);
    await join(rooms, 'r1', 'A');
    await join(rooms, 'r1', 'B');
    expect(await code(join(rooms, 'r1', 'C'))).toBe('room_full');
    expect((await rooms.roster('r1')).map((p) => p.name)).toEqual(['A', 'B']);
    expect(await rooms.counts()).toMatchObject({ rooms: 1, participants: 2 });
  });

  it('frees a seat on leave and deletes empty rooms', async () => {
    const rooms = store(2);
    const a = await join(rooms, 'r1', 'A');
    const b = await join(rooms, 'r1', 'B');
    expect((await rooms.leave(a.self.id))?.participant.name).toBe('A');
    const c = await join(rooms, 'r1', 'C');
    await rooms.leave(b.self.id);
    expect(await rooms.counts()).toMatchObject({ rooms: 1, participants: 1 });
    await rooms.leave(c.self.id);
    expect(await rooms.counts()).toEqual({ rooms: 0, participants: 0, retainedPasscodes: 0 });
    expect(await rooms.leave(c.self.id)).toBeUndefined();
    expect(await rooms.leave('nobody')).toBeUndefined();
  });

  it('updates media state and hands out copies, not its own records', async () => {
    const rooms = store();
    const a = await join(rooms, 'r1', 'A');
    a.self.media.mic = false; // mutating the returned copy must not change the room
    expect((await rooms.roster('r1'))[0]?.media.mic).toBe(true);
    await rooms.setMedia(a.self.id, { mic: false, camera: false, screen: false });
    expect((await rooms.roster('r1'))[0]?.media).toEqual({ mic: false, camera: false, screen: false });
    await expect(rooms.setMedia('nobody', on)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('consumes a resume token once: of two resumes with it, exactly one gets the participant', async () => {
    const rooms = store();
    const a = await join(rooms, 'r1', 'A');
    const [first, second] = await Promise.all([rooms.resume(a.resumeToken, 'new-1'), rooms.resume(a.resumeToken, 'new-2')]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(first?.self.id).toBe(a.self.id);
    expect(first?.resumeToken).not.toBe(a.resumeToken);
    expect(await rooms.records()).toEqual([{ id: a.self.id, roomId: 'r1', connection: 'new-1' }]);
  });

  it('lets only the holding connection start the grace period, and expires the participant once after it', async () => {
    vi.useFakeTimers();
    const rooms = store();
    const expired: string[] = [];
    rooms.onExpired((id) => void expired.push(id));
    const a = await rooms.join({ roomId: 'r1', name: 'A', media: on, receiveOnly: false, connection: 'old' });
    const resumed = await rooms.resume(a.resumeToken, 'new');
    expect(resumed?.previousConnection).toBe('old');
    // The old connection's late disconnect must not put the resumed participant on a timer.
    expect(await rooms.detach(a.self.id, 'old', 1_000)).toBe(false);
    expect(await rooms.records()).toEqual([{ id: a.self.id, roomId: 'r1', connection: 'new' }]);
    expect(await rooms.detach(a.self.id, 'new', 1_000)).toBe(true);
    expect((await rooms.records())[0]).toMatchObject({ id: a.self.id, deadline: expect.any(Number) });
    expect(await rooms.leave(a.self.id, { onlyIfExpired: true })).toBeUndefined();
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual([a.self.id]);
    expect((await rooms.leave(a.self.id, { onlyIfExpired: true }))?.participant.name).toBe('A');
  });

  it('a resume during the grace period cancels it', async () => {
    vi.useFakeTimers();
    const rooms = store();
    const expired: string[] = [];
    rooms.onExpired((id) => void expired.push(id));
    const a = await rooms.join({ roomId: 'r1', name: 'A', media: on, receiveOnly: false, connection: 'one' });
    await rooms.detach(a.self.id, 'one', 1_000);
    await rooms.resume(a.resumeToken, 'two');
    vi.advanceTimersByTime(5_000);
    expect(expired).toEqual([]);
  });

  it('protects a room with the passcode its creator set, and keeps it after the room empties', async () => {
    const rooms = store(8, 60_000);
    const owner = await join(rooms, 'locked', 'Owner', on, 'open sesame');
    expect(await code(join(rooms, 'locked', 'Eve'))).toBe('passcode_required');
    expect(await code(join(rooms, 'locked', 'Eve', on, 'wrong guess'))).toBe('wrong_passcode');
    expect((await rooms.roster('locked')).map((p) => p.name)).toEqual(['Owner']);
    expect(await code(join(rooms, 'locked', 'Friend', on, 'open sesame'))).toBe('ok');
    // A passcode sent to a room without one is refused, so nobody believes they are protected.
    await join(rooms, 'open', 'A');
    expect(await code(join(rooms, 'open', 'B', on, 'whatever'))).toBe('room_not_protected');
    // The emptied room keeps its passcode: whoever comes next cannot take the id over.
    for (const p of await rooms.roster('locked')) await rooms.leave(p.id);
    expect(await rooms.counts()).toMatchObject({ retainedPasscodes: 1 });
    expect(await rooms.roomExists('locked')).toBe(true);
    expect(await code(join(rooms, 'locked', 'Squatter'))).toBe('passcode_required');
    expect(await code(join(rooms, 'locked', 'Squatter', on, 'new code'))).toBe('wrong_passcode');
    expect(await code(join(rooms, 'locked', 'Owner again', on, 'open sesame'))).toBe('ok');
    expect(owner.self.id).not.toBe((await rooms.roster('locked'))[0]?.id);
  });

  it('forgets a retained passcode after the retention period', async () => {
    vi.useFakeTimers();
    const rooms = store(8, 1_000);
    const owner = await join(rooms, 'locked', 'Owner', on, 'open sesame');
    await rooms.leave(owner.self.id);
    vi.advanceTimersByTime(1_001);
    expect(await rooms.roomExists('locked')).toBe(false);
    vi.useRealTimers();
    expect(await code(join(rooms, 'locked', 'Next'))).toBe('ok');
  });

  it('applies one passcode when two people create the same room at once', async () => {
    const rooms = store();
    const results = await Promise.allSettled([join(rooms, 'race', 'A', on, 'first-code'), join(rooms, 'race', 'B', on, 'other-code')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([
      'wrong_passcode',
    ]);
  });
});
