import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../common/protocol.error.js';
import { MemoryRoomStore } from './memory-room.store.js';

const on = { audio: true, video: true };

function service(maxRoomSize = 8) {
  return new MemoryRoomStore({ maxRoomSize });
}

describe('MemoryRoomStore', () => {
  it('assigns a fresh unique id and returns the earlier participants in join order', async () => {
    const rooms = service();
    const a = await rooms.join('r1', 'Ada', on);
    const b = await rooms.join('r1', 'Bob', { audio: false, video: true });
    const c = await rooms.join('r1', 'Cy', on);
    expect(new Set([a.self.id, b.self.id, c.self.id]).size).toBe(3);
    expect(a.self.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(a.others).toEqual([]);
    expect(c.others.map((p) => p.name)).toEqual(['Ada', 'Bob']);
    expect(c.others[1]?.media).toEqual({ audio: false, video: true });
  });

  it('keeps rooms apart', async () => {
    const rooms = service();
    const a = await rooms.join('r1', 'Ada', on);
    const b = await rooms.join('r2', 'Bob', on);
    expect(b.others).toEqual([]);
    expect(await rooms.sharedRoom(a.self.id, b.self.id)).toBeUndefined();
    const c = await rooms.join('r1', 'Cy', on);
    expect(await rooms.sharedRoom(a.self.id, c.self.id)).toBe('r1');
  });

  it('refuses a participant beyond capacity with room_full and changes nothing', async () => {
    const rooms = service(2);
    await rooms.join('r1', 'A', on);
    await rooms.join('r1', 'B', on);
    await expect(rooms.join('r1', 'C', on)).rejects.toSatisfy(
      (error: unknown) => error instanceof ProtocolError && error.code === 'room_full',
    );
    expect((await rooms.roster('r1')).map((p) => p.name)).toEqual(['A', 'B']);
    expect(await rooms.counts()).toEqual({ rooms: 1, participants: 2 });
  });

  it('frees a seat on leave and deletes empty rooms', async () => {
    const rooms = service(2);
    const a = await rooms.join('r1', 'A', on);
    const b = await rooms.join('r1', 'B', on);
    expect((await rooms.leave(a.self.id))?.participant.name).toBe('A');
    await rooms.join('r1', 'C', on);
    await rooms.leave(b.self.id);
    expect(await rooms.counts()).toEqual({ rooms: 1, participants: 1 });
    const [c] = await rooms.roster('r1');
    await rooms.leave(c!.id);
    expect(await rooms.counts()).toEqual({ rooms: 0, participants: 0 });
  });

  it('ignores leaving twice or leaving an unknown id', async () => {
    const rooms = service();
    const a = await rooms.join('r1', 'A', on);
    await rooms.leave(a.self.id);
    expect(await rooms.leave(a.self.id)).toBeUndefined();
    expect(await rooms.leave('nobody')).toBeUndefined();
  });

  it('updates media state and hands out copies, not its own records', async () => {
    const rooms = service();
    const a = await rooms.join('r1', 'A', on);
    a.self.media.audio = false; // mutating the returned copy must not change the room
    expect((await rooms.roster('r1'))[0]?.media.audio).toBe(true);
    await rooms.setMedia(a.self.id, { audio: false, video: false });
    expect((await rooms.roster('r1'))[0]?.media).toEqual({ audio: false, video: false });
    await expect(rooms.setMedia('nobody', on)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('protects a room with the passcode its creator set', async () => {
    const rooms = service();
    await rooms.join('locked', 'Owner', on, 'open sesame');
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (error: unknown) => (error instanceof ProtocolError ? error.code : 'other'),
      );
    expect(await code(rooms.join('locked', 'Eve', on))).toBe('passcode_required');
    expect(await code(rooms.join('locked', 'Eve', on, 'wrong guess'))).toBe('wrong_passcode');
    expect((await rooms.roster('locked')).map((p) => p.name)).toEqual(['Owner']);
    expect(await code(rooms.join('locked', 'Friend', on, 'open sesame'))).toBe('ok');
    // A room without a passcode ignores one given later; an emptied room forgets its passcode.
    await rooms.join('open', 'A', on);
    expect(await code(rooms.join('open', 'B', on, 'whatever'))).toBe('ok');
    for (const p of await rooms.roster('locked')) await rooms.leave(p.id);
    expect(await code(rooms.join('locked', 'New owner', on))).toBe('ok');
  });

  it('applies one passcode when two people create the same room at once', async () => {
    const rooms = service();
    const results = await Promise.allSettled([rooms.join('race', 'A', on, 'first-code'), rooms.join('race', 'B', on, 'other-code')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([
      'wrong_passcode',
    ]);
  });
});
