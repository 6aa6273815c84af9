import { RoomIdSchema } from '@meshmeet/protocol';
import { describe, expect, it } from 'vitest';
import { newRoomId, roomIdFromName, roomIdFromPath } from './room-id.js';

describe('room ids', () => {
  it('generates distinct valid 22-character ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, newRoomId));
    expect(ids.size).toBe(1000);
    for (const id of ids) {
      expect(id).toHaveLength(22);
      expect(RoomIdSchema.safeParse(id).success).toBe(true);
    }
  });

  it('turns typed names into safe ids', () => {
    expect(roomIdFromName('  Team Stand-up! ')).toBe('team-stand-up');
    expect(roomIdFromName('Café Überall')).toBe('cafe-uberall');
    expect(roomIdFromName('!!!')).toBeUndefined();
    expect(roomIdFromName('x'.repeat(100))).toHaveLength(64);
  });

  it('reads room ids from paths', () => {
    expect(roomIdFromPath('/r/abc-DEF_1')).toBe('abc-DEF_1');
    expect(roomIdFromPath('/r/abc/')).toBe('abc');
    expect(roomIdFromPath('/r/a%20b')).toBeUndefined();
    expect(roomIdFromPath('/x/abc')).toBeUndefined();
    expect(roomIdFromPath('/r/')).toBeUndefined();
  });

  it('treats a link with broken percent-encoding as no room link, without throwing', () => {
    expect(roomIdFromPath('/r/%E0%A4%A')).toBeUndefined();
    expect(roomIdFromPath('/r/%zz')).toBeUndefined();
  });
});
