import { LIMITS, RoomIdSchema } from '@meshmeet/protocol';
import { randomId } from './random-id.js';

/** 128 random bits in base64url: a room link nobody can guess. */
export function newRoomId(): string {
  return randomId(16);
}

/** Turns a typed room name ("Team Stand-up!") into a room id ("team-stand-up"); undefined if nothing is left. */
export function roomIdFromName(name: string): string | undefined {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, LIMITS.roomIdMaxLength)
    .replace(/-+$/, '');
  return RoomIdSchema.safeParse(slug).success ? slug : undefined;
}

/** The room id in a path such as `/r/abc`, if the path is a valid room link. */
export function roomIdFromPath(path: string): string | undefined {
  const match = /^\/r\/([^/]+)\/?$/.exec(path);
  if (!match?.[1]) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    // Broken percent-encoding (a link cut short when pasted): not a room link.
    return undefined;
  }
  return RoomIdSchema.safeParse(id).success ? id : undefined;
}
