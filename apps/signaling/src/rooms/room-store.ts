import type { MediaState, Participant } from '@meshmeet/protocol';

export interface JoinedRoom {
  roomId: string;
  self: Participant;
  /** Everyone who was already in the room, in join order. */
  others: Participant[];
}

export interface LeftRoom {
  roomId: string;
  participant: Participant;
}

/**
 * Room membership: the single source of truth for who is in which room. In memory on one instance,
 * or in Redis shared by every instance (`REDIS_URL`). Capacity and passcode checks are atomic.
 */
export abstract class RoomStore {
  /** Adds a participant with a fresh server-assigned id (checks capacity and the room's passcode). */
  abstract join(roomId: string, name: string, media: MediaState, passcode?: string): Promise<JoinedRoom>;
  /**
   * Removes a participant; undefined when it was not there. With `onlyIfExpired`, only if its resume
   * grace period ran out (it did not come back meanwhile, on any instance).
   */
  abstract leave(participantId: string, options?: { onlyIfExpired?: boolean }): Promise<LeftRoom | undefined>;
  /** Returns the participant's room. */
  abstract setMedia(participantId: string, media: MediaState): Promise<string>;
  /** The room both participants share, or undefined when they are not in the same room. */
  abstract sharedRoom(a: string, b: string): Promise<string | undefined>;
  abstract find(participantId: string): Promise<{ roomId: string; participant: Participant } | undefined>;
  abstract roster(roomId: string): Promise<Participant[]>;
  abstract counts(): Promise<{ rooms: number; participants: number }>;
}

/** Resume sessions: tokens, and the grace period of participants whose connection dropped. */
export abstract class SessionStore {
  /** A new resume token for the participant; the previous one stops working. */
  abstract issue(participantId: string): Promise<string>;
  abstract participantFor(token: string): Promise<string | undefined>;
  /** The connection dropped: the participant expires after `graceMs` unless it comes back. */
  abstract markAway(participantId: string, graceMs: number): Promise<void>;
  abstract markBack(participantId: string): Promise<void>;
  abstract end(participantId: string): Promise<void>;
  /** Called (once per participant, across all instances) when a grace period runs out. */
  abstract onExpired(handler: (participantId: string) => void): void;
  abstract sessionCounts(): Promise<{ sessions: number; waiting: number }>;
}
