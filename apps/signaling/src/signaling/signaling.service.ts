import { Inject, Injectable } from '@nestjs/common';
import {
  PROTOCOL_VERSION,
  type ClientEventName,
  type IceServersResponse,
  type JoinRequest,
  type JoinResult,
  type ResumeRequest,
} from '@meshmeet/protocol';
import type { Logger } from 'pino';
import { ProtocolError } from '../common/protocol.error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { LOGGER } from '../logging/logging.module.js';
import { RedisShutdown } from '../redis/redis.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AddressBudgets } from '../limits/address-budgets.js';
import { addressKey, clientAddress, proxyTrust } from '../limits/connection-policy.js';
import { newParticipantId } from '../rooms/memory-room.store.js';
import { type LiveParticipant, RoomStore, type Seat } from '../rooms/room-store.js';
import { TurnService } from '../turn/turn.service.js';
import { ConnectionQueue } from './connection-queue.js';
import { participantChannel, roomChannel, type SignalingServer, type SignalingSocket } from './signaling.channels.js';
import { replyWithError } from './error-reply.js';
import { ConnectionRateLimiter } from '../limits/rate-limit.js';

/** What every connection's handshake record keeps of the request's headers and query: nothing. */
const NO_HEADERS = Object.freeze({});
const NO_QUERY = Object.freeze({});

@Injectable()
export class SignalingService {
  private server?: SignalingServer;
  /** join, resume, leave and disconnect of one connection run one after another. */
  private readonly queue = new ConnectionQueue<SignalingSocket>();
  /** Participants held by this instance's sockets: their leases are renewed while the socket lives. */
  private readonly heldHere = new Map<string, SignalingSocket>();
  private readonly trust: (address: string, hop: number) => boolean;
  /** Connections whose `disconnect` handler has not run yet. */
  private openConnections = 0;
  /** Removals started by an expiry rather than by a connection's own queue. */
  private readonly expiring = new Set<Promise<void>>();
  /**
   * Several instances share the rooms (through Redis): a participant may be held by another instance's
   * connection, reached through its channel. Alone, every connection is in `heldHere` and the channel
   * would be one more socket.io room per participant that nothing needs.
   */
  readonly clustered: boolean;

  /**
   * A packet that breaks socket.io's protocol closes the connection; socket.io reports it to the
   * socket's `error` listener. The same function for every connection (`this` is the socket).
   */
  private readonly onProtocolError: (this: SignalingSocket, error: Error) => void;

  constructor(
    private readonly rooms: RoomStore,
    private readonly budgets: AddressBudgets,
    private readonly turn: TurnService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    redisShutdown: RedisShutdown,
  ) {
    this.trust = proxyTrust(config.trustProxy);
    this.clustered = config.redisUrl !== undefined;
    this.onProtocolError = function onProtocolError(error) {
      logger.debug({ err: error, socket: this.id }, 'closed a connection that broke the socket.io protocol');
    };
    rooms.onExpired((participantId) => this.expire(participantId));
    rooms.renewLeasesOf(() => this.liveParticipants());
    redisShutdown.closeAfter(() => this.settled());
  }

  attach(server: SignalingServer): void {
    this.server = server;
  }

  /** The address budgets are kept under: the client's address as trusted proxies report it (IPv6 per /64). */
  private addressOf(socket: SignalingSocket): string {
    return (socket.data.address ??= addressKey(clientAddress(socket.request, this.trust)));
  }

  /**
   * A new connection: its address is read once and its rate limits are set up. Events the protocol
   * does not name never get here (the parser drops them, see `signaling.parser.ts`); every handler
   * asks `allow` before doing any work.
   */
  connect(socket: SignalingSocket): void {
    this.openConnections += 1;
    this.metrics.connectedSockets.inc();
    // The HTTP request that opened the connection is needed only for its address: keep that, let the
    // request go (engine.io would hold it, headers, parser and all, for the connection's lifetime).
    this.addressOf(socket);
    (socket.conn as { request: unknown }).request = null;
    // Likewise socket.io's handshake record: it keeps the request's headers (a browser's are 0.5-1 KB),
    // its URL and query, and a date string. Origin and address checks are done before this, and
    // nothing reads them after; the address, time issued and `auth` stay.
    const { handshake } = socket;
    handshake.headers = NO_HEADERS;
    handshake.query = NO_QUERY;
    handshake.url = '';
    handshake.time = '';
    socket.data.limiter = new ConnectionRateLimiter(this.config.rateLimits);
    socket.on('error', this.onProtocolError);
  }

  /**
   * The connection's token bucket for `event`, taken before its handler does anything. A refused
   * message is answered with `rate_limited` (through `ack` when it is a request); a client that keeps
   * going after that empties its strikes and is disconnected.
   */
  allow(socket: SignalingSocket, event: ClientEventName, ack?: unknown): boolean {
    const limiter = socket.data.limiter;
    if (limiter === undefined) return false;
    const decision = limiter.check(event);
    if (decision === 'allow') return true;
    this.metrics.rateLimited.inc({ kind: event });
    this.metrics.rejected.inc({ reason: 'rate_limited' });
    if (decision === 'disconnect') {
      socket.data.limiter = undefined; // what is already read from this connection is dropped without more work
      this.metrics.disconnectedForAbuse.inc({ reason: 'rate_limit' });
      this.logger.warn({ socket: socket.id }, 'disconnecting a client that kept exceeding its rate limits');
      socket.disconnect(true);
      return false;
    }
    replyWithError(socket, typeof ack === 'function' ? [ack] : [], event, new ProtocolError('rate_limited'));
    return false;
  }

  join(socket: SignalingSocket, request: JoinRequest): Promise<JoinResult> {
    return this.queue.run(socket, () => this.admit(socket, request));
  }

  /**
   * A new connection takes over an existing participant (after a network drop, a server restart with
   * shared state, or a move to another instance): same id, same room, nobody sees a leave. A token the
   * server does not know gets `session_unknown`, and the client joins afresh.
   */
  resume(socket: SignalingSocket, request: ResumeRequest): Promise<JoinResult> {
    return this.queue.run(socket, () => this.takeOver(socket, request));
  }

  leave(socket: SignalingSocket): Promise<{ ok: true }> {
    return this.queue.run(socket, async () => {
      const participantId = socket.data.participantId;
      if (!participantId) throw new ProtocolError('not_in_room');
      this.release(socket, { leaveChannels: true });
      await this.removeParticipant(participantId);
      return { ok: true } as const;
    });
  }

  /**
   * The ICE servers a call would get, for a self-test before joining: TURN credentials minted for a
   * one-off name (no participant exists yet), taken from the same per-address TURN budget as a join.
   */
  async iceServersForCheck(socket: SignalingSocket): Promise<IceServersResponse> {
    if (!socket.connected) throw new ProtocolError('not_in_room');
    const iceServers = await this.iceServers(`check-${newParticipantId()}`, this.addressOf(socket));
    return { ok: true, iceServers, iceTransportPolicy: this.config.iceTransportPolicy };
  }

  /**
   * A dropped connection is not a leave: the participant waits for a resume during the grace period.
   * Never rejects: a store that fails here is logged (the participant's lease then runs out by itself).
   */
  disconnect(socket: SignalingSocket): Promise<void> {
    this.openConnections -= 1;
    this.metrics.connectedSockets.dec();
    return this.queue
      .run(socket, async () => {
        const participantId = socket.data.participantId;
        if (!participantId) return;
        this.release(socket, { leaveChannels: false });
        await this.rooms.detach(participantId, socket.id, this.config.resumeGraceMs);
      })
      .catch((error: unknown) => this.logger.error({ err: error, socket: socket.id }, 'could not record a dropped connection'));
  }

  /**
   * The live connection on this instance that holds `participantId`, if any. A connection that was
   * closed or has handed its participant over (a resume elsewhere evicts it) no longer counts.
   */
  connectionHolding(participantId: string): SignalingSocket | undefined {
    const socket = this.heldHere.get(participantId);
    return socket?.connected && socket.data.participantId === participantId ? socket : undefined;
  }

  /** Graceful shutdown: tell every client to reconnect (to this server once back, or another instance). */
  notifyShutdown(reconnectAfterMs: number): void {
    if (!this.server) return;
    // Only this instance's clients: with several instances the others keep theirs.
    this.server.local.emit('server-shutdown', { reconnectAfterMs });
    this.server.local.disconnectSockets(true);
  }

  /** Resolves once no join, resume, leave, disconnect or expiry is in progress on this instance. */
  async settled(): Promise<void> {
    await this.queue.idle();
    await Promise.all(this.expiring);
  }

  /** Connections open on this instance, as far as the handlers have seen. */
  get connectionCount(): number {
    return this.openConnections;
  }

  /** Diagnostics view of what the store holds (counters, no scan). */
  async resources(): Promise<{ rooms: number; participants: number; retainedPasscodes: number }> {
    return this.rooms.counts();
  }

  private async admit(socket: SignalingSocket, request: JoinRequest): Promise<JoinResult> {
    const startedAt = performance.now();
    if (socket.data.participantId !== undefined) throw new ProtocolError('already_joined');
    if (!socket.connected) throw new ProtocolError('not_in_room');
    const address = this.addressOf(socket);
    await this.spend('join', address);
    if (!(await this.rooms.roomExists(request.roomId))) await this.spend('new-room', address);
    // Guesses are counted before the slow hash, so concurrent guesses cannot slip past the budget.
    const passcodeKey = `${address}|${request.roomId}`;
    if (request.passcode !== undefined) await this.spend('passcode', passcodeKey);
    const seat = await this.rooms.join({ ...request, receiveOnly: request.receiveOnly === true, connection: socket.id });
    if (request.passcode !== undefined) await this.budgets.giveBack('passcode', passcodeKey);
    if (!socket.connected) {
      // Gone while the store admitted it: nobody was told, so it leaves without a word.
      await this.rooms.leave(seat.self.id);
      throw new ProtocolError('not_in_room');
    }
    this.hold(socket, seat);
    const reply = await this.reply(seat, address);
    // Announced only now, with nothing awaited between this and the answer going out (it is written a few
    // microtasks later, before any I/O): the newcomer has its answer before anyone it is announced to can
    // send it a message, so it always knows the sender (the protocol's ordering rule).
    socket.to(roomChannel(seat.roomId)).emit('participant-joined', { participant: seat.self });
    this.metrics.roomSize.observe(seat.others.length + 1);
    this.metrics.joinDuration.observe((performance.now() - startedAt) / 1000);
    // Room ids and names are the participants' business: log only the server-assigned id.
    this.logger.info({ participant: seat.self.id, present: seat.others.length + 1 }, 'participant joined');
    return reply;
  }

  private async takeOver(socket: SignalingSocket, request: ResumeRequest): Promise<JoinResult> {
    if (socket.data.participantId !== undefined) throw new ProtocolError('already_joined');
    if (!socket.connected) throw new ProtocolError('session_unknown');
    const address = this.addressOf(socket);
    await this.spend('join', address);
    // Consumes the token: of two connections resuming with it at once, exactly one gets here.
    const seat = await this.rooms.resume(request.token, socket.id);
    if (!seat) throw new ProtocolError('session_unknown');
    const participantId = seat.self.id;
    // The previous connection may not have been noticed as dead yet: it loses the participant quietly.
    if (seat.previousConnection && seat.previousConnection !== socket.id) this.evict(seat.previousConnection, participantId);
    if (!socket.connected) {
      // Closed while resuming: the participant is ours, so we start its grace period.
      await this.rooms.detach(participantId, socket.id, this.config.resumeGraceMs);
      throw new ProtocolError('session_unknown');
    }
    this.hold(socket, seat);
    const reply = await this.reply(seat, address);
    // As for a join: the answer goes out before anyone hears of the resume (see admit).
    socket.to(roomChannel(seat.roomId)).emit('participant-resumed', { participant: seat.self });
    this.logger.info({ participant: participantId }, 'participant resumed');
    return reply;
  }

  private async spend(kind: Parameters<AddressBudgets['take']>[0], key: string): Promise<void> {
    if (await this.budgets.take(kind, key)) return;
    this.metrics.rateLimited.inc({ kind });
    throw new ProtocolError('rate_limited');
  }

  /** Synchronous, so nothing can run between the liveness check before it and the socket joining its channels. */
  private hold(socket: SignalingSocket, { roomId, self }: Seat): void {
    const participantId = self.id;
    socket.data.participantId = participantId;
    socket.data.roomId = roomId;
    socket.data.receiveOnly = self.receiveOnly;
    this.heldHere.set(participantId, socket);
    void socket.join(this.clustered ? [roomChannel(roomId), participantChannel(roomId, participantId)] : roomChannel(roomId));
  }

  private release(socket: SignalingSocket, { leaveChannels }: { leaveChannels: boolean }): void {
    const { participantId, roomId } = socket.data;
    socket.data.participantId = undefined;
    socket.data.roomId = undefined;
    socket.data.receiveOnly = undefined;
    if (participantId && this.heldHere.get(participantId) === socket) this.heldHere.delete(participantId);
    if (!leaveChannels) return;
    if (roomId === undefined) return;
    void socket.leave(roomChannel(roomId));
    if (participantId && this.clustered) void socket.leave(participantChannel(roomId, participantId));
  }

  /** Drops the connection that held a participant before a resume, on this instance or another. */
  private evict(connection: string, participantId: string): void {
    const server = this.requireServer();
    const local = server.sockets.sockets.get(connection);
    if (local) {
      if (local.data.participantId === participantId) this.release(local, { leaveChannels: true });
      local.disconnect(true);
      return;
    }
    // Another instance's socket: its own disconnect handler finds it no longer holds the participant.
    server.in(connection).disconnectSockets(true);
  }

  private *liveParticipants(): Iterable<LiveParticipant> {
    for (const [participantId, socket] of this.heldHere) {
      if (socket.connected && socket.data.participantId === participantId) yield { participantId, connection: socket.id };
    }
  }

  private expire(participantId: string): Promise<void> {
    const removal = this.removeParticipant(participantId, { onlyIfExpired: true });
    this.expiring.add(removal);
    void removal.finally(() => this.expiring.delete(removal));
    return removal;
  }

  /** Removes a participant for good and tells the room, exactly once (across instances too). */
  private async removeParticipant(participantId: string, options: { onlyIfExpired?: boolean } = {}): Promise<void> {
    try {
      const left = await this.rooms.leave(participantId, options);
      if (!left) return;
      const server = this.requireServer();
      // Nobody keeps listening as a participant that no longer exists.
      if (this.clustered) server.in(participantChannel(left.roomId, participantId)).disconnectSockets(true);
      else this.connectionHolding(participantId)?.disconnect(true);
      server.to(roomChannel(left.roomId)).emit('participant-left', { id: participantId });
    } catch (error) {
      this.logger.error({ err: error, participant: participantId }, 'could not remove a participant');
    }
  }

  private async reply(seat: Seat, address: string): Promise<JoinResult> {
    return {
      ok: true,
      protocol: PROTOCOL_VERSION,
      roomId: seat.roomId,
      self: seat.self,
      participants: seat.others,
      iceServers: await this.iceServers(seat.self.id, address),
      iceTransportPolicy: this.config.iceTransportPolicy,
      maxRoomSize: this.config.maxRoomSize,
      resumeToken: seat.resumeToken,
      resumeGraceMs: this.config.resumeGraceMs,
    };
  }

  /** TURN credentials cost relay capacity: an address gets only so many per hour, then STUN only. */
  private async iceServers(participantId: string, address: string) {
    if (!this.turn.hasTurn || (await this.budgets.take('turn', address))) return this.turn.iceServersFor(participantId);
    this.metrics.rateLimited.inc({ kind: 'turn' });
    return this.turn.iceServersFor(participantId, { withTurn: false });
  }

  private requireServer(): SignalingServer {
    if (!this.server) throw new Error('SignalingService used before the gateway initialised');
    return this.server;
  }
}
