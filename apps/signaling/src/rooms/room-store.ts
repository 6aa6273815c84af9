import { hash } from 'node:crypto';
import type { MediaState, Participant } from '@meshmeet/protocol';

export interface Admission {
  roomId: string;
  name: string;
  media: MediaState;
  /** Listens only: every source stays off (see the protocol's receive-only rule). */
  receiveOnly: boolean;
  passcode?: string;
  /** The connection (socket id) that will hold the new participant. */
  connection: string;
}

export interface Seat {
  roomId: string;
  self: Participant;
  /** Everyone else in the room, in join order. */
  others: Participant[];
  /** Present it in `resume` to take the participant over from another connection. */
  resumeToken: string;
}

export interface ResumedSeat extends Seat {
  /** The connection that held the participant until now, if it had not been noticed as gone. */
  previousConnection?: string;
}

export interface LeftRoom {
  roomId: string;
  participant: Participant;
}

/** One participant as the store sees it (diagnostics and invariant checks; walks every participant). */
export interface ParticipantRecord {
  id: string;
  roomId: string;
  /** The connection that holds the participant; absent while it is away. */
  connection?: string;
  /** When it is removed unless renewed (Redis lease) or resumed (grace period), in ms since the epoch. */
  deadline?: number;
}

/** A connected participant on this instance, whose lease the store keeps renewing while it lives. */
export interface LiveParticipant {
  participantId: string;
  connection: string;
}

/**
 * Rooms, participants and resume sessions: the single source of truth for who is in which room and
 * which connection holds them. In memory on one instance, or in Redis shared by every instance
 * (`REDIS_URL`). Every state change is one atomic step that checks its preconditions itself, so
 * concurrent joins, resumes and disconnects on any instance cannot leave a participant with two
 * connections, or with none and no deadline.
 *
 * Invariant: every participant is held by exactly one connection, or by none and has a deadline.
 */
export abstract class RoomStore {
  /**
   * Adds a participant with a fresh server-assigned id, held by `connection`. Checks capacity and
   * the room's passcode (which whoever creates the room may set, and which outlives its last member
   * for the retention period).
   */
  abstract join(admission: Admission): Promise<Seat>;
  /**
   * Consumes a resume token and hands its participant to `connection`: of several resumes with the
   * same token exactly one gets it. Undefined when the token is unknown or already used.
   */
  abstract resume(token: string, connection: string): Promise<ResumedSeat | undefined>;
  /**
   * The connection dropped: the participant waits `graceMs` for a resume. Only the connection that
   * holds the participant can do this (false otherwise: a resume already moved it elsewhere).
   */
  abstract detach(participantId: string, connection: string, graceMs: number): Promise<boolean>;
  /**
   * Removes a participant, exactly once across instances; undefined when it was not there. With
   * `onlyIfExpired`, only if its deadline passed (it did not come back meanwhile, on any instance).
   */
  abstract leave(participantId: string, options?: { onlyIfExpired?: boolean }): Promise<LeftRoom | undefined>;
  /** Returns the participant's room. */
  abstract setMedia(participantId: string, media: MediaState): Promise<string>;
  /**
   * Raises (stamped with the store's clock, kept if already up) or lowers a hand. Returns the room
   * and the hand as it now is.
   */
  abstract setHand(participantId: string, raised: boolean): Promise<{ roomId: string; hand: number | null }>;
  /**
   * The participant's room, or undefined when it is not (or no longer) anywhere. A participant id is
   * made for one room and never reused, so a room once returned stays true for that id.
   */
  abstract roomOf(participantId: string): Promise<string | undefined>;
  abstract roster(roomId: string): Promise<Participant[]>;
  /** Whether the room has members or a retained passcode: joining it creates nothing new. */
  abstract roomExists(roomId: string): Promise<boolean>;
  /** Totals kept as counters: constant cost whatever the number of rooms. */
  abstract counts(): Promise<{ rooms: number; participants: number; retainedPasscodes: number }>;
  /** Every participant with its holder and deadline. Walks everything: diagnostics and tests only. */
  abstract records(): Promise<ParticipantRecord[]>;
  /** Called (once per participant, across all instances) when a deadline passes. */
  abstract onExpired(handler: (participantId: string) => Promise<void> | void): void;
  /** Where the store learns which participants are live here, to renew their leases (Redis). */
  abstract renewLeasesOf(live: () => Iterable<LiveParticipant>): void;
}

/** Resume tokens are kept only as hashes (one-shot `crypto.hash`: no Hash object per join, 1.9 -> 0.7 us). */
export const hashToken = (token: string): string => hash('sha256', token, 'base64url');
