import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { MediaState, Participant } from '@meshmeet/protocol';
import type { Logger } from 'pino';
import { ProtocolError } from '../common/protocol.error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { LOGGER } from '../logging/logging.module.js';
import { REDIS, type RedisConnections } from '../redis/redis.module.js';
import { newParticipantId } from './memory-room.store.js';
import { hashPasscode, verifyPasscode } from './passcode.js';
import { type JoinedRoom, type LeftRoom, RoomStore, SessionStore } from './room-store.js';

/**
 * How long a participant stays alive in Redis without its instance renewing it. A crashed instance
 * renews nothing, so its participants expire after this (unless they resume elsewhere first).
 */
export const LEASE_MS = 10_000;
const RENEW_EVERY_MS = 3_000;
const SWEEP_EVERY_MS = 1_000;

// Keys (prefix + …): room:<id> zset of participant ids by join order; roompass:<id> passcode hash;
// rooms set of room ids; part:<id> hash (roomId, name, audio, video, tokenHash); token:<hash> → id;
// alive:<id> with a TTL (lease while connected, grace period once the connection dropped); seq counter.

/** Atomic admission: capacity and passcode are checked and the participant added in one step. */
const JOIN = `
local room, pass, rooms, seq = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local max, id, roomId, name, audio, video, ttl, mode, hash, prefix =
  tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local stored = redis.call('GET', pass)
if mode == 'verify' then
  if stored ~= hash then return 'retry' end
elseif stored then
  return 'retry'
end
local size = redis.call('ZCARD', room)
if size >= max then return 'full' end
if size == 0 and mode == 'create' and hash ~= '' then redis.call('SET', pass, hash) end
redis.call('ZADD', room, redis.call('INCR', seq), id)
redis.call('SADD', rooms, roomId)
redis.call('HSET', prefix .. 'part:' .. id, 'roomId', roomId, 'name', name, 'audio', audio, 'video', video)
redis.call('SET', prefix .. 'alive:' .. id, '1', 'PX', ttl)
return 'ok'
`;

/** Removal, exactly once across instances; with onlyIfExpired only when its alive key has gone. */
const LEAVE = `
local prefix, id, onlyIfExpired = ARGV[1], ARGV[2], ARGV[3]
local part = prefix .. 'part:' .. id
local roomId = redis.call('HGET', part, 'roomId')
if not roomId then return false end
if onlyIfExpired == '1' and redis.call('EXISTS', prefix .. 'alive:' .. id) == 1 then return false end
local fields = redis.call('HMGET', part, 'name', 'audio', 'video', 'tokenHash')
if fields[4] then redis.call('DEL', prefix .. 'token:' .. fields[4]) end
redis.call('DEL', part, prefix .. 'alive:' .. id)
local room = prefix .. 'room:' .. roomId
redis.call('ZREM', room, id)
if redis.call('ZCARD', room) == 0 then
  redis.call('DEL', room, prefix .. 'roompass:' .. roomId)
  redis.call('SREM', prefix .. 'rooms', roomId)
end
return { roomId, fields[1], fields[2], fields[3] }
`;

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Rooms and resume sessions in Redis, shared by every signaling instance. Each instance renews the
 * lease of the participants connected to it; every instance sweeps for participants whose lease or
 * grace period ran out, and the atomic LEAVE script makes exactly one of them report the leave.
 */
@Injectable()
export class RedisRoomStore extends RoomStore implements SessionStore, OnModuleInit, OnModuleDestroy {
  /** Participants connected to this instance: their leases are renewed here. */
  private readonly connectedHere = new Set<string>();
  private expired: (participantId: string) => void = () => {};
  private timers: NodeJS.Timeout[] = [];
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: RedisConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
    this.prefix = config.redisPrefix;
  }

  onModuleInit(): void {
    this.timers = [
      setInterval(() => void this.renewLeases(), RENEW_EVERY_MS),
      setInterval(() => void this.sweep(), SWEEP_EVERY_MS),
    ];
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  // ---- RoomStore ----

  async join(roomId: string, name: string, media: MediaState, passcode?: string): Promise<JoinedRoom> {
    const id = newParticipantId();
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await this.redis.command.get(this.key('roompass', roomId));
      let mode: 'verify' | 'create';
      let hash = '';
      if (stored !== null) {
        if (passcode === undefined) throw new ProtocolError('passcode_required');
        if (!(await verifyPasscode(passcode, stored))) throw new ProtocolError('wrong_passcode');
        mode = 'verify';
        hash = stored;
      } else {
        mode = 'create';
        if (passcode !== undefined) hash = await hashPasscode(passcode);
      }
      const result = await this.redis.command.eval(JOIN, {
        keys: [this.key('room', roomId), this.key('roompass', roomId), `${this.prefix}rooms`, `${this.prefix}seq`],
        arguments: [
          String(this.config.maxRoomSize), id, roomId, name, media.audio ? '1' : '0', media.video ? '1' : '0',
          String(LEASE_MS), mode, hash, this.prefix,
        ],
      });
      if (result === 'retry') continue;
      if (result === 'full') throw new ProtocolError('room_full');
      this.connectedHere.add(id);
      const everyone = await this.roster(roomId);
      const self = everyone.find((p) => p.id === id) ?? { id, name, media: { ...media } };
      return { roomId, self, others: everyone.filter((p) => p.id !== id) };
    }
    throw new ProtocolError('internal_error');
  }

  async leave(participantId: string, options: { onlyIfExpired?: boolean } = {}): Promise<LeftRoom | undefined> {
    this.connectedHere.delete(participantId);
    const result = (await this.redis.command.eval(LEAVE, {
      arguments: [this.prefix, participantId, options.onlyIfExpired ? '1' : '0'],
    })) as [string, string, string, string] | null;
    if (!result) return undefined;
    const [roomId, name, audio, video] = result;
    return { roomId, participant: { id: participantId, name, media: { audio: audio === '1', video: video === '1' } } };
  }

  async setMedia(participantId: string, media: MediaState): Promise<string> {
    const roomId = await this.redis.command.hGet(this.key('part', participantId), 'roomId');
    if (!roomId) throw new ProtocolError('not_in_room');
    await this.redis.command.hSet(this.key('part', participantId), { audio: media.audio ? '1' : '0', video: media.video ? '1' : '0' });
    return roomId;
  }

  async sharedRoom(a: string, b: string): Promise<string | undefined> {
    const [roomA, roomB] = await Promise.all([
      this.redis.command.hGet(this.key('part', a), 'roomId'),
      this.redis.command.hGet(this.key('part', b), 'roomId'),
    ]);
    return roomA && roomA === roomB ? roomA : undefined;
  }

  async find(participantId: string): Promise<{ roomId: string; participant: Participant } | undefined> {
    const fields = await this.redis.command.hGetAll(this.key('part', participantId));
    if (!fields.roomId) return undefined;
    return { roomId: fields.roomId, participant: this.participant(participantId, fields) };
  }

  async roster(roomId: string): Promise<Participant[]> {
    const ids = await this.redis.command.zRange(this.key('room', roomId), 0, -1);
    const records = await Promise.all(ids.map((id) => this.redis.command.hGetAll(this.key('part', id))));
    return ids.flatMap((id, i) => (records[i]?.roomId ? [this.participant(id, records[i]!)] : []));
  }

  async counts(): Promise<{ rooms: number; participants: number }> {
    const roomIds = await this.redis.command.sMembers(`${this.prefix}rooms`);
    const sizes = await Promise.all(roomIds.map((roomId) => this.redis.command.zCard(this.key('room', roomId))));
    return { rooms: roomIds.length, participants: sizes.reduce((sum, size) => sum + size, 0) };
  }

  // ---- SessionStore ----

  async issue(participantId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const tokenHash = hashToken(token);
    const previous = await this.redis.command.hGet(this.key('part', participantId), 'tokenHash');
    const multi = this.redis.command.multi();
    if (previous) multi.del(this.key('token', previous));
    multi.hSet(this.key('part', participantId), 'tokenHash', tokenHash);
    multi.set(this.key('token', tokenHash), participantId);
    await multi.exec();
    return token;
  }

  async participantFor(token: string): Promise<string | undefined> {
    return (await this.redis.command.get(this.key('token', hashToken(token)))) ?? undefined;
  }

  async markAway(participantId: string, graceMs: number): Promise<void> {
    this.connectedHere.delete(participantId);
    // The lease becomes the grace period; any instance's sweep removes the participant after it.
    await this.redis.command.set(this.key('alive', participantId), '1', { PX: Math.max(1, graceMs) });
  }

  async markBack(participantId: string): Promise<void> {
    this.connectedHere.add(participantId);
    await this.redis.command.set(this.key('alive', participantId), '1', { PX: LEASE_MS });
  }

  async end(participantId: string): Promise<void> {
    this.connectedHere.delete(participantId);
  }

  onExpired(handler: (participantId: string) => void): void {
    this.expired = handler;
  }

  async sessionCounts(): Promise<{ sessions: number; waiting: number }> {
    const { participants } = await this.counts();
    return { sessions: participants, waiting: 0 };
  }

  // ---- internals ----

  private async renewLeases(): Promise<void> {
    if (this.connectedHere.size === 0) return;
    try {
      const multi = this.redis.command.multi();
      for (const id of this.connectedHere) multi.set(this.key('alive', id), '1', { PX: LEASE_MS, XX: true });
      await multi.exec();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not renew participant leases');
    }
  }

  /** Finds participants whose lease or grace period ran out (on any instance) and expires them. */
  private async sweep(): Promise<void> {
    try {
      for (const roomId of await this.redis.command.sMembers(`${this.prefix}rooms`)) {
        const ids = await this.redis.command.zRange(this.key('room', roomId), 0, -1);
        const alive = await Promise.all(ids.map((id) => this.redis.command.exists(this.key('alive', id))));
        ids.forEach((id, i) => {
          if (alive[i] === 0) this.expired(id);
        });
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'room sweep failed');
    }
  }

  private participant(id: string, fields: Record<string, string>): Participant {
    return { id, name: fields.name ?? '', media: { audio: fields.audio === '1', video: fields.video === '1' } };
  }

  private key(kind: string, id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }
}
