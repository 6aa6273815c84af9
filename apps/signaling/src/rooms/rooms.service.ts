import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MediaState, Participant } from '@meshmeet/protocol';
import { ProtocolError } from '../common/protocol.error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';

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

/** 96 random bits, URL-safe: unguessable, and used by clients as a tie-breaker for politeness. */
export function newParticipantId(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * Room membership, in memory. The single source of truth for who is in which room.
 * Methods are async so that a shared (Redis) implementation can keep the same contract.
 */
@Injectable()
export class RoomsService {
  /** roomId -> participants by id (insertion order = join order). */
  private readonly rooms = new Map<string, Map<string, Participant>>();
  /** participantId -> roomId */
  private readonly roomOf = new Map<string, string>();

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'maxRoomSize'>) {}

  async join(roomId: string, name: string, media: MediaState): Promise<JoinedRoom> {
    const room = this.rooms.get(roomId) ?? new Map<string, Participant>();
    if (room.size >= this.config.maxRoomSize) throw new ProtocolError('room_full');
    const self: Participant = { id: newParticipantId(), name, media: { ...media } };
    const others = [...room.values()].map((p) => structuredClone(p));
    room.set(self.id, self);
    this.rooms.set(roomId, room);
    this.roomOf.set(self.id, roomId);
    return { roomId, self: structuredClone(self), others };
  }

  async leave(participantId: string): Promise<LeftRoom | undefined> {
    const roomId = this.roomOf.get(participantId);
    if (roomId === undefined) return undefined;
    this.roomOf.delete(participantId);
    const room = this.rooms.get(roomId);
    const participant = room?.get(participantId);
    room?.delete(participantId);
    // Empty rooms are freed at once so ids do not accumulate.
    if (room && room.size === 0) this.rooms.delete(roomId);
    return participant ? { roomId, participant } : undefined;
  }

  async setMedia(participantId: string, media: MediaState): Promise<string> {
    const roomId = this.roomOf.get(participantId);
    const participant = roomId === undefined ? undefined : this.rooms.get(roomId)?.get(participantId);
    if (roomId === undefined || !participant) throw new ProtocolError('not_in_room');
    participant.media = { ...media };
    return roomId;
  }

  /** The room both participants share, or undefined when they are not in the same room. */
  async sharedRoom(a: string, b: string): Promise<string | undefined> {
    const roomId = this.roomOf.get(a);
    return roomId !== undefined && roomId === this.roomOf.get(b) ? roomId : undefined;
  }

  async roster(roomId: string): Promise<Participant[]> {
    return [...(this.rooms.get(roomId)?.values() ?? [])].map((p) => structuredClone(p));
  }

  counts(): { rooms: number; participants: number } {
    return { rooms: this.rooms.size, participants: this.roomOf.size };
  }
}
