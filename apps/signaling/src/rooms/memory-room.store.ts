import { randomBase64Url } from '../common/random.js';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { MediaState, Participant } from '@meshmeet/protocol';
import { ProtocolError } from '../common/protocol.error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { PasscodeHasher } from './passcode.js';
import {
  type Admission,
  hashToken,
  type LeftRoom,
  type ParticipantRecord,
  type ResumedSeat,
  RoomStore,
  type Seat,
} from './room-store.js';

/** 96 random bits, URL-safe: unguessable, and used by clients as a tie-breaker for politeness. */
export function newParticipantId(): string {
  return randomBase64Url(12);
}

export function newResumeToken(): string {
  return randomBase64Url(32);
}

/** A copy the caller may keep or change (participants hold only strings, numbers and one flat object). */
const copyOf = (participant: Participant): Participant => ({ ...participant, media: { ...participant.media } });

interface Member {
  participant: Participant;
  roomId: string;
  tokenHash: string;
  /** The socket holding the participant; undefined while it is away. */
  connection?: string;
  /** Set exactly while away: removes the participant when the grace period ends. */
  grace?: { timer: NodeJS.Timeout; until: number; over: boolean };
}

interface Room {
  /** Member ids; insertion order is join order. */
  members: Set<string>;
  /** scrypt hash of the passcode set by the room's creator, if any. */
  passcodeHash?: string;
}

type StoreConfig = Pick<AppConfig, 'maxRoomSize' | 'passcodeRetentionMs'>;

/**
 * Rooms, participants and resume sessions in this process's memory (one instance, no Redis). Every
 * state change is synchronous once its slow part (passcode hashing) is done, so each is atomic.
 */
@Injectable()
export class MemoryRoomStore extends RoomStore implements OnModuleDestroy {
  private readonly rooms = new Map<string, Room>();
  private readonly members = new Map<string, Member>();
  private readonly participantByToken = new Map<string, string>();
  /** Passcodes of rooms that emptied, so nobody else can take the room id over for a while. */
  private readonly retainedPasscodes = new Map<string, { hash: string; until: number }>();
  private readonly pruneTimer: NodeJS.Timeout;
  private expired: (participantId: string) => Promise<void> | void = () => {};

  constructor(
    @Inject(APP_CONFIG) private readonly config: StoreConfig,
    private readonly hasher: PasscodeHasher,
  ) {
    super();
    this.pruneTimer = setInterval(() => this.pruneRetained(Date.now()), 60_000).unref();
  }

  async join(admission: Admission): Promise<Seat> {
    const { roomId, passcode } = admission;
    // Hashing and verifying are asynchronous; if the room changed meanwhile (created, emptied,
    // re-created), decide again against the room as it is now.
    for (let attempt = 0; attempt < 3; attempt++) {
      const room = this.rooms.get(roomId);
      const stored = this.passcodeOf(roomId);
      let newHash: string | undefined;
      if (stored !== undefined) {
        if (passcode === undefined) throw new ProtocolError('passcode_required');
        if (!(await this.hasher.verify(passcode, stored))) throw new ProtocolError('wrong_passcode');
      } else if (passcode !== undefined) {
        if (room) throw new ProtocolError('room_not_protected');
        newHash = await this.hasher.hash(passcode);
      }
      if (this.rooms.get(roomId) !== room || this.passcodeOf(roomId) !== stored) continue;
      return this.admit(admission, room ?? { members: new Set(), passcodeHash: stored ?? newHash });
    }
    throw new ProtocolError('internal_error');
  }

  private admit({ roomId, name, media, receiveOnly, connection }: Admission, room: Room): Seat {
    if (room.members.size >= this.config.maxRoomSize) throw new ProtocolError('room_full', { roomSize: this.config.maxRoomSize });
    const self: Participant = { id: newParticipantId(), name, media: { ...media }, hand: null, receiveOnly };
    const others = this.participantsOf(room);
    const resumeToken = newResumeToken();
    const member: Member = { participant: self, roomId, tokenHash: hashToken(resumeToken), connection };
    room.members.add(self.id);
    this.rooms.set(roomId, room);
    this.retainedPasscodes.delete(roomId);
    this.members.set(self.id, member);
    this.participantByToken.set(member.tokenHash, self.id);
    return { roomId, self: copyOf(self), others, resumeToken };
  }

  async resume(token: string, connection: string): Promise<ResumedSeat | undefined> {
    const tokenHash = hashToken(token);
    const id = this.participantByToken.get(tokenHash);
    const member = id === undefined ? undefined : this.members.get(id);
    if (!member) return undefined;
    // Consumed here, in the same synchronous step that hands the participant over.
    this.participantByToken.delete(tokenHash);
    const previousConnection = member.connection;
    this.endGrace(member);
    member.connection = connection;
    const resumeToken = newResumeToken();
    member.tokenHash = hashToken(resumeToken);
    this.participantByToken.set(member.tokenHash, member.participant.id);
    const room = this.rooms.get(member.roomId)!;
    const others = this.participantsOf(room).filter((p) => p.id !== member.participant.id);
    return { roomId: member.roomId, self: copyOf(member.participant), others, resumeToken, previousConnection };
  }

  async detach(participantId: string, connection: string, graceMs: number): Promise<boolean> {
    const member = this.members.get(participantId);
    if (!member || member.connection !== connection) return false;
    member.connection = undefined;
    const grace = {
      until: Date.now() + graceMs,
      over: false,
      // The timer decides, not a clock comparison: timers may fire a millisecond before Date.now() agrees.
      timer: setTimeout(() => {
        grace.over = true;
        void this.expired(participantId);
      }, graceMs),
    };
    member.grace = grace;
    return true;
  }

  async leave(participantId: string, options: { onlyIfExpired?: boolean } = {}): Promise<LeftRoom | undefined> {
    const member = this.members.get(participantId);
    if (!member) return undefined;
    if (options.onlyIfExpired && !(member.connection === undefined && member.grace?.over)) return undefined;
    this.endGrace(member);
    this.members.delete(participantId);
    this.participantByToken.delete(member.tokenHash);
    const room = this.rooms.get(member.roomId);
    room?.members.delete(participantId);
    if (room && room.members.size === 0) {
      // Empty rooms are freed at once; a passcode outlives them so the id cannot be squatted.
      this.rooms.delete(member.roomId);
      if (room.passcodeHash !== undefined && this.config.passcodeRetentionMs > 0) {
        this.retainedPasscodes.set(member.roomId, { hash: room.passcodeHash, until: Date.now() + this.config.passcodeRetentionMs });
      }
    }
    return { roomId: member.roomId, participant: copyOf(member.participant) };
  }

  async setMedia(participantId: string, media: MediaState): Promise<string> {
    const member = this.members.get(participantId);
    if (!member) throw new ProtocolError('not_in_room');
    member.participant.media = { ...media };
    return member.roomId;
  }

  async setHand(participantId: string, raised: boolean): Promise<{ roomId: string; hand: number | null }> {
    const member = this.members.get(participantId);
    if (!member) throw new ProtocolError('not_in_room');
    member.participant.hand = raised ? (member.participant.hand ?? Date.now()) : null;
    return { roomId: member.roomId, hand: member.participant.hand };
  }

  async roomOf(participantId: string): Promise<string | undefined> {
    return this.members.get(participantId)?.roomId;
  }

  async roster(roomId: string): Promise<Participant[]> {
    const room = this.rooms.get(roomId);
    return room ? this.participantsOf(room) : [];
  }

  async roomExists(roomId: string): Promise<boolean> {
    return this.rooms.has(roomId) || this.passcodeOf(roomId) !== undefined;
  }

  async counts(): Promise<{ rooms: number; participants: number; retainedPasscodes: number }> {
    return { rooms: this.rooms.size, participants: this.members.size, retainedPasscodes: this.retainedPasscodes.size };
  }

  async records(): Promise<ParticipantRecord[]> {
    return [...this.members.values()].map((m) => ({
      id: m.participant.id,
      roomId: m.roomId,
      ...(m.connection !== undefined ? { connection: m.connection } : {}),
      ...(m.grace ? { deadline: m.grace.until } : {}),
    }));
  }

  onExpired(handler: (participantId: string) => Promise<void> | void): void {
    this.expired = handler;
  }

  /** One instance: nothing to renew, a participant lives as long as this process. */
  renewLeasesOf(): void {}

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
    for (const member of this.members.values()) this.endGrace(member);
  }

  private participantsOf(room: Room): Participant[] {
    return [...room.members].map((id) => copyOf(this.members.get(id)!.participant));
  }

  private passcodeOf(roomId: string): string | undefined {
    const room = this.rooms.get(roomId);
    if (room) return room.passcodeHash;
    const retained = this.retainedPasscodes.get(roomId);
    if (retained && retained.until <= Date.now()) {
      this.retainedPasscodes.delete(roomId);
      return undefined;
    }
    return retained?.hash;
  }

  private endGrace(member: Member): void {
    if (member.grace) clearTimeout(member.grace.timer);
    member.grace = undefined;
  }

  private pruneRetained(now: number): void {
    for (const [roomId, retained] of this.retainedPasscodes) if (retained.until <= now) this.retainedPasscodes.delete(roomId);
  }
}
