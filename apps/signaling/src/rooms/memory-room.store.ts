import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MediaState, Participant } from '@meshmeet/protocol';
import { ProtocolError } from '../common/protocol.error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { hashPasscode, verifyPasscode } from './passcode.js';

import { type JoinedRoom, type LeftRoom, RoomStore } from './room-store.js';

/** 96 random bits, URL-safe: unguessable, and used by clients as a tie-breaker for politeness. */
export function newParticipantId(): string {
  return randomBytes(12).toString('base64url');
}

interface Room {
  /** Participants by id; insertion order is join order. */
  participants: Map<string, Participant>;
  /** scrypt hash of the passcode set by the room's creator, if any. */
  passcodeHash?: string;
}

/** Room membership in this process's memory (one instance, no Redis). */
@Injectable()
export class MemoryRoomStore extends RoomStore {
  private readonly rooms = new Map<string, Room>();
  /** participantId -> roomId */
  private readonly roomOf = new Map<string, string>();

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'maxRoomSize'>) {
    super();
  }

  /**
   * Adds a participant with a fresh server-assigned id. Whoever creates a room may protect it with
   * a passcode; everyone joining it later must give the same passcode.
   */
  async join(roomId: string, name: string, media: MediaState, passcode?: string): Promise<JoinedRoom> {
    // Hashing and verifying are asynchronous; if the room changed meanwhile (created, emptied,
    // re-created), decide again against the room as it is now.
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = this.rooms.get(roomId);
      let newHash: string | undefined;
      if (before?.passcodeHash !== undefined) {
        if (passcode === undefined) throw new ProtocolError('passcode_required');
        if (!(await verifyPasscode(passcode, before.passcodeHash))) throw new ProtocolError('wrong_passcode');
      } else if (before === undefined && passcode !== undefined) {
        newHash = await hashPasscode(passcode);
      }
      if (this.rooms.get(roomId) !== before) continue;
      return this.admit(roomId, before ?? { participants: new Map(), passcodeHash: newHash }, name, media);
    }
    throw new ProtocolError('internal_error');
  }

  private admit(roomId: string, room: Room, name: string, media: MediaState): JoinedRoom {
    if (room.participants.size >= this.config.maxRoomSize) throw new ProtocolError('room_full');
    const self: Participant = { id: newParticipantId(), name, media: { ...media } };
    const others = [...room.participants.values()].map((p) => structuredClone(p));
    room.participants.set(self.id, self);
    this.rooms.set(roomId, room);
    this.roomOf.set(self.id, roomId);
    return { roomId, self: structuredClone(self), others };
  }

  // `onlyIfExpired` needs no check here: this instance's grace timers are cancelled on resume.
  async leave(participantId: string): Promise<LeftRoom | undefined> {
    const roomId = this.roomOf.get(participantId);
    if (roomId === undefined) return undefined;
    this.roomOf.delete(participantId);
    const room = this.rooms.get(roomId);
    const participant = room?.participants.get(participantId);
    room?.participants.delete(participantId);
    // Empty rooms are freed at once (with their passcode) so ids do not accumulate.
    if (room && room.participants.size === 0) this.rooms.delete(roomId);
    return participant ? { roomId, participant } : undefined;
  }

  async setMedia(participantId: string, media: MediaState): Promise<string> {
    const roomId = this.roomOf.get(participantId);
    const participant = roomId === undefined ? undefined : this.rooms.get(roomId)?.participants.get(participantId);
    if (roomId === undefined || !participant) throw new ProtocolError('not_in_room');
    participant.media = { ...media };
    return roomId;
  }

  async sharedRoom(a: string, b: string): Promise<string | undefined> {
    const roomId = this.roomOf.get(a);
    return roomId !== undefined && roomId === this.roomOf.get(b) ? roomId : undefined;
  }

  async find(participantId: string): Promise<{ roomId: string; participant: Participant } | undefined> {
    const roomId = this.roomOf.get(participantId);
    const participant = roomId === undefined ? undefined : this.rooms.get(roomId)?.participants.get(participantId);
    return roomId !== undefined && participant ? { roomId, participant: structuredClone(participant) } : undefined;
  }

  async roster(roomId: string): Promise<Participant[]> {
    return [...(this.rooms.get(roomId)?.participants.values() ?? [])].map((p) => structuredClone(p));
  }

  async size(roomId: string): Promise<number> {
    return this.rooms.get(roomId)?.participants.size ?? 0;
  }

  async counts(): Promise<{ rooms: number; participants: number }> {
    return { rooms: this.rooms.size, participants: this.roomOf.size };
  }
}
