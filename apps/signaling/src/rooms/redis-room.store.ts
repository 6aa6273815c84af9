import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type MediaState, MediaStateSchema, type Participant } from '@meshmeet/protocol';
import type { Logger } from 'pino';
import { ProtocolError } from '../common/protocol.error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { LOGGER } from '../logging/logging.module.js';
import { REDIS, type RedisConnections } from '../redis/redis.module.js';
import { newParticipantId, newResumeToken } from './memory-room.store.js';
import { PasscodeHasher } from './passcode.js';
import {
  type Admission,
  hashToken,
  type LeftRoom,
  type LiveParticipant,
  type ParticipantRecord,
  type ResumedSeat,
  RoomStore,
  type Seat,
} from './room-store.js';

/**
 * How long a connected participant stays alive in Redis without its instance renewing it. A crashed
 * instance renews nothing, so its participants expire after this (unless they resume elsewhere first).
 */
export const LEASE_MS = 10_000;
const RENEW_EVERY_MS = 3_000;
const SWEEP_EVERY_MS = 1_000;
/** Expired participants handled per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 200;

// Keys (prefix + …):
//   room:<id>      zset of participant ids scored by join order
//   roompass:<id>  passcode hash; given a TTL (the retention period) when the room empties
//   part:<id>      hash: roomId, name, media (JSON, one entry per source), receiveOnly ('1' or ''), hand (ms when raised; absent while down),
//                  tokenHash, conn (holding socket id, '' while away)
//   token:<hash>   participant id
//   deadlines      zset of participant ids scored by the ms at which they expire: the lease while
//                  connected (renewed by the holding instance), the grace period while away
//   stats          hash: rooms, participants, kept by the scripts so counting never scans
//   seq            join order counter
// Every script reads the clock from Redis (TIME), so instances with skewed clocks agree.

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Atomic admission: capacity and passcode checked, participant, token and lease added in one step. */
const JOIN = `${NOW}
local prefix, roomId, id, name, media, tokenHash, conn, leaseMs, max, mode, hash, receiveOnly =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[10], ARGV[11], ARGV[12]
local room, pass = prefix .. 'room:' .. roomId, prefix .. 'roompass:' .. roomId
local stored = redis.call('GET', pass)
if mode == 'verify' then
  if stored ~= hash then return 'retry' end
elseif stored then
  return 'retry'
end
local size = redis.call('ZCARD', room)
if mode == 'create' and hash ~= '' and size > 0 then return 'not_protected' end
if size >= max then return 'full' end
if mode == 'create' and hash ~= '' then redis.call('SET', pass, hash) end
if mode == 'verify' then redis.call('PERSIST', pass) end
if size == 0 then redis.call('HINCRBY', prefix .. 'stats', 'rooms', 1) end
redis.call('HINCRBY', prefix .. 'stats', 'participants', 1)
redis.call('ZADD', room, redis.call('INCR', prefix .. 'seq'), id)
redis.call('HSET', prefix .. 'part:' .. id, 'roomId', roomId, 'name', name, 'media', media, 'receiveOnly', receiveOnly, 'tokenHash', tokenHash, 'conn', conn)
redis.call('SET', prefix .. 'token:' .. tokenHash, id)
redis.call('ZADD', prefix .. 'deadlines', now + leaseMs, id)
return 'ok'
`;

/** Consumes a token and hands its participant to a new connection: exactly one of two racing resumes wins. */
const RESUME = `${NOW}
local prefix, oldHash, newHash, conn, leaseMs = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local id = redis.call('GET', prefix .. 'token:' .. oldHash)
if not id then return false end
redis.call('DEL', prefix .. 'token:' .. oldHash)
local part = prefix .. 'part:' .. id
local roomId = redis.call('HGET', part, 'roomId')
if not roomId then return false end
local previous = redis.call('HGET', part, 'conn')
redis.call('HSET', part, 'tokenHash', newHash, 'conn', conn)
redis.call('SET', prefix .. 'token:' .. newHash, id)
redis.call('ZADD', prefix .. 'deadlines', now + leaseMs, id)
return { id, roomId, previous or '' }
`;

/** The holding connection dropped: the deadline becomes the grace period. Only the holder may do this. */
const DETACH = `${NOW}
local prefix, id, conn, graceMs = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local part = prefix .. 'part:' .. id
if redis.call('HGET', part, 'conn') ~= conn then return 0 end
redis.call('HSET', part, 'conn', '')
redis.call('ZADD', prefix .. 'deadlines', now + graceMs, id)
return 1
`;

/** Renews the leases of participants still held by the given connections (pairs id, conn). */
const RENEW = `${NOW}
local prefix, leaseMs = ARGV[1], tonumber(ARGV[2])
for i = 3, #ARGV, 2 do
  if redis.call('HGET', prefix .. 'part:' .. ARGV[i], 'conn') == ARGV[i + 1] then
    redis.call('ZADD', prefix .. 'deadlines', 'XX', now + leaseMs, ARGV[i])
  end
end
return 0
`;

const EXPIRED = `${NOW}
return redis.call('ZRANGEBYSCORE', ARGV[1] .. 'deadlines', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
`;

/** Removal, exactly once across instances; with onlyIfExpired only once its deadline has passed. */
const LEAVE = `${NOW}
local prefix, id, onlyIfExpired, retentionMs = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local part = prefix .. 'part:' .. id
local roomId = redis.call('HGET', part, 'roomId')
if not roomId then
  redis.call('ZREM', prefix .. 'deadlines', id)
  return false
end
if onlyIfExpired == '1' then
  local deadline = redis.call('ZSCORE', prefix .. 'deadlines', id)
  if deadline and tonumber(deadline) > now then return false end
end
local fields = redis.call('HMGET', part, 'name', 'media', 'tokenHash')
if fields[3] then redis.call('DEL', prefix .. 'token:' .. fields[3]) end
redis.call('DEL', part)
redis.call('ZREM', prefix .. 'deadlines', id)
local room = prefix .. 'room:' .. roomId
redis.call('ZREM', room, id)
redis.call('HINCRBY', prefix .. 'stats', 'participants', -1)
if redis.call('ZCARD', room) == 0 then
  redis.call('HINCRBY', prefix .. 'stats', 'rooms', -1)
  local pass = prefix .. 'roompass:' .. roomId
  if retentionMs > 0 then redis.call('PEXPIRE', pass, retentionMs) else redis.call('DEL', pass) end
end
return { roomId, fields[1], fields[2] }
`;

/** Media state of a participant that still exists (never recreates a removed one's hash). */
const SET_MEDIA = `
local part = ARGV[1] .. 'part:' .. ARGV[2]
local roomId = redis.call('HGET', part, 'roomId')
if not roomId then return false end
redis.call('HSET', part, 'media', ARGV[3])
return roomId
`;

/** Raises (keeping an earlier stamp) or lowers a hand of a participant that still exists. */
const SET_HAND = `${NOW}
local part = ARGV[1] .. 'part:' .. ARGV[2]
local roomId = redis.call('HGET', part, 'roomId')
if not roomId then return false end
if ARGV[3] == '1' then
  local hand = redis.call('HGET', part, 'hand')
  if not hand then
    hand = tostring(now)
    redis.call('HSET', part, 'hand', hand)
  end
  return { roomId, hand }
end
redis.call('HDEL', part, 'hand')
return { roomId, '' }
`;

const flag = (on: boolean) => (on ? '1' : '0');

/**
 * Rooms, participants and resume sessions in Redis, shared by every signaling instance. Each instance
 * renews the leases of the participants held by its live sockets; every instance sweeps the deadline
 * set for participants whose lease or grace period ran out, and the atomic LEAVE script makes exactly
 * one of them report the leave. A sweep reads only expired entries, so it costs nothing per room.
 */
@Injectable()
export class RedisRoomStore extends RoomStore implements OnModuleInit, OnModuleDestroy {
  private expired: (participantId: string) => Promise<void> | void = () => {};
  private live: () => Iterable<LiveParticipant> = () => [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: RedisConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly hasher: PasscodeHasher,
  ) {
    super();
    this.prefix = config.redisPrefix;
  }

  onModuleInit(): void {
    this.every(RENEW_EVERY_MS, () => this.renewLeases());
    this.every(SWEEP_EVERY_MS, () => this.sweep());
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  async join(admission: Admission): Promise<Seat> {
    const { roomId, passcode } = admission;
    const id = newParticipantId();
    for (let attempt = 0; attempt < 3; attempt++) {
      const [stored, size] = await Promise.all([
        this.redis.command.get(this.key('roompass', roomId)),
        this.redis.command.zCard(this.key('room', roomId)),
      ]);
      let mode: 'verify' | 'create';
      let hash = '';
      if (stored !== null) {
        if (passcode === undefined) throw new ProtocolError('passcode_required');
        if (!(await this.hasher.verify(passcode, stored))) throw new ProtocolError('wrong_passcode');
        mode = 'verify';
        hash = stored;
      } else {
        mode = 'create';
        if (passcode !== undefined) {
          if (size > 0) throw new ProtocolError('room_not_protected');
          hash = await this.hasher.hash(passcode);
        }
      }
      const resumeToken = newResumeToken();
      const result = await this.eval(JOIN, [
        roomId, id, admission.name, JSON.stringify(admission.media), hashToken(resumeToken),
        admission.connection, String(LEASE_MS), String(this.config.maxRoomSize), mode, hash, admission.receiveOnly ? '1' : '',
      ]);
      if (result === 'retry') continue;
      if (result === 'full') throw new ProtocolError('room_full', { roomSize: this.config.maxRoomSize });
      if (result === 'not_protected') throw new ProtocolError('room_not_protected');
      const everyone = await this.roster(roomId);
      const self = everyone.find((p) => p.id === id) ?? { id, name: admission.name, media: { ...admission.media }, hand: null, receiveOnly: admission.receiveOnly };
      return { roomId, self, others: everyone.filter((p) => p.id !== id), resumeToken };
    }
    throw new ProtocolError('internal_error');
  }

  async resume(token: string, connection: string): Promise<ResumedSeat | undefined> {
    const resumeToken = newResumeToken();
    const result = (await this.eval(RESUME, [hashToken(token), hashToken(resumeToken), connection, String(LEASE_MS)])) as
      | [string, string, string]
      | null;
    if (!result) return undefined;
    const [id, roomId, previous] = result;
    const everyone = await this.roster(roomId);
    const self = everyone.find((p) => p.id === id);
    // Removed between the script and the roster read: the token is spent either way.
    if (!self) return undefined;
    return {
      roomId,
      self,
      others: everyone.filter((p) => p.id !== id),
      resumeToken,
      ...(previous ? { previousConnection: previous } : {}),
    };
  }

  async detach(participantId: string, connection: string, graceMs: number): Promise<boolean> {
    return (await this.eval(DETACH, [participantId, connection, String(Math.max(0, graceMs))])) === 1;
  }

  async leave(participantId: string, options: { onlyIfExpired?: boolean } = {}): Promise<LeftRoom | undefined> {
    const result = (await this.eval(LEAVE, [
      participantId, flag(options.onlyIfExpired === true), String(this.config.passcodeRetentionMs),
    ])) as [string, string, string] | null;
    if (!result) return undefined;
    const [roomId, name, media] = result;
    return { roomId, participant: this.participant(participantId, { name, media }) };
  }

  async setMedia(participantId: string, media: MediaState): Promise<string> {
    const roomId = await this.eval(SET_MEDIA, [participantId, JSON.stringify(media)]);
    if (typeof roomId !== 'string') throw new ProtocolError('not_in_room');
    return roomId;
  }

  async setHand(participantId: string, raised: boolean): Promise<{ roomId: string; hand: number | null }> {
    const result = (await this.eval(SET_HAND, [participantId, flag(raised)])) as [string, string] | null;
    if (!result) throw new ProtocolError('not_in_room');
    return { roomId: result[0], hand: result[1] ? Number(result[1]) : null };
  }

  async roomOf(participantId: string): Promise<string | undefined> {
    return (await this.redis.command.hGet(this.key('part', participantId), 'roomId')) ?? undefined;
  }

  async roster(roomId: string): Promise<Participant[]> {
    const ids = await this.redis.command.zRange(this.key('room', roomId), 0, -1);
    const records = await Promise.all(ids.map((id) => this.redis.command.hGetAll(this.key('part', id))));
    return ids.flatMap((id, i) => (records[i]?.roomId ? [this.participant(id, records[i]!)] : []));
  }

  async roomExists(roomId: string): Promise<boolean> {
    return (await this.redis.command.exists([this.key('room', roomId), this.key('roompass', roomId)])) > 0;
  }

  async counts(): Promise<{ rooms: number; participants: number; retainedPasscodes: number }> {
    const [rooms, participants] = await this.redis.command.hmGet(`${this.prefix}stats`, ['rooms', 'participants']);
    // Retained passcodes expire inside Redis on their own; they are not counted here.
    return { rooms: Number(rooms ?? 0), participants: Number(participants ?? 0), retainedPasscodes: 0 };
  }

  async records(): Promise<ParticipantRecord[]> {
    const records: ParticipantRecord[] = [];
    for await (const keys of this.redis.command.scanIterator({ MATCH: `${this.prefix}part:*`, COUNT: 500 })) {
      for (const key of keys) {
        const id = key.slice(`${this.prefix}part:`.length);
        const [fields, deadline] = await Promise.all([
          this.redis.command.hGetAll(key),
          this.redis.command.zScore(`${this.prefix}deadlines`, id),
        ]);
        if (!fields.roomId) continue;
        records.push({
          id,
          roomId: fields.roomId,
          ...(fields.conn ? { connection: fields.conn } : {}),
          ...(deadline !== null ? { deadline } : {}),
        });
      }
    }
    return records;
  }

  onExpired(handler: (participantId: string) => Promise<void> | void): void {
    this.expired = handler;
  }

  renewLeasesOf(live: () => Iterable<LiveParticipant>): void {
    this.live = live;
  }

  // ---- internals ----

  /** Runs `task` every `ms` after the previous run finished: runs never overlap, however slow Redis is. */
  private every(ms: number, task: () => Promise<void>): void {
    const schedule = () => {
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void task().finally(schedule);
      }, ms);
      this.timers.add(timer);
    };
    schedule();
  }

  private async renewLeases(): Promise<void> {
    const pairs = [...this.live()].flatMap(({ participantId, connection }) => [participantId, connection]);
    if (pairs.length === 0) return;
    try {
      await this.eval(RENEW, [String(LEASE_MS), ...pairs]);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not renew participant leases');
    }
  }

  /** Participants whose lease or grace period ran out (on any instance) are expired. */
  private async sweep(): Promise<void> {
    try {
      const ids = (await this.eval(EXPIRED, [String(SWEEP_BATCH)])) as string[];
      await Promise.all(ids.map((id) => this.expired(id)));
    } catch (error) {
      this.logger.warn({ err: error }, 'participant sweep failed');
    }
  }

  private eval(script: string, args: string[]): Promise<unknown> {
    return this.redis.command.eval(script, { arguments: [this.prefix, ...args] });
  }

  private participant(id: string, fields: Record<string, string>): Participant {
    // Written by this server from a validated message; read back through the schema all the same.
    const media = MediaStateSchema.safeParse(JSON.parse(fields.media ?? 'null'));
    return {
      id,
      name: fields.name ?? '',
      media: media.success ? media.data : { mic: false, camera: false, screen: false },
      hand: fields.hand ? Number(fields.hand) : null,
      receiveOnly: fields.receiveOnly === '1',
    };
  }

  private key(kind: string, id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }
}
