import { Inject, Injectable } from '@nestjs/common';
import {
  CLIENT_EVENTS,
  PROTOCOL_VERSION,
  type ClientEventName,
  type CandidateOut,
  type ClientToServerEvents,
  type DescriptionOut,
  type JoinRequest,
  type JoinResult,
  type Participant,
  type ResumeRequest,
  type MediaStateOut,
  type ServerToClientEvents,
} from '@meshmeet/protocol';
import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import { ProtocolError } from '../common/protocol.error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { LOGGER } from '../logging/logging.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PasscodeThrottle } from '../rooms/passcode.js';
import { RoomStore, SessionStore } from '../rooms/room-store.js';
import { TurnService } from '../turn/turn.service.js';
import { clientAddress } from './connection-policy.js';
import { replyWithError } from './error-reply.js';
import { ConnectionRateLimiter, type RateLimitedKind } from './rate-limit.js';

/** What the server remembers about a connection. Set only by the server, never from client input. */
export interface SocketSession {
  participantId?: string;
  roomId?: string;
}

export type SignalingServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketSession>;
export type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketSession>;

/** socket.io room names. Prefixed so a room id can never collide with a participant or socket id. */
export const roomChannel = (roomId: string) => `room:${roomId}`;
export const participantChannel = (participantId: string) => `participant:${participantId}`;

const isClientEvent = (event: unknown): event is ClientEventName =>
  typeof event === 'string' && Object.hasOwn(CLIENT_EVENTS, event);

@Injectable()
export class SignalingService {
  private server?: SignalingServer;
  private readonly passcodeThrottle = new PasscodeThrottle();

  constructor(
    private readonly rooms: RoomStore,
    private readonly sessions: SessionStore,
    private readonly turn: TurnService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    sessions.onExpired((participantId) => void this.removeParticipant(participantId, { onlyIfExpired: true }));
  }

  attach(server: SignalingServer): void {
    this.server = server;
  }

  /**
   * Every packet of a connection passes its token buckets before any handler runs. Unknown event
   * names are dropped (and counted); a client that ignores `rate_limited` is disconnected.
   */
  connect(socket: SignalingSocket): void {
    this.metrics.connectedSockets.inc();
    const limiter = new ConnectionRateLimiter(this.config.rateLimits);
    let droppedForAbuse = false;
    socket.use((packet, next) => {
      // Frames already read from a connection being dropped are discarded without more work.
      if (droppedForAbuse) return;
      const event: unknown = packet[0];
      const kind: RateLimitedKind = isClientEvent(event) ? event : 'other';
      const decision = limiter.check(kind);
      if (decision === 'allow') {
        if (kind !== 'other') return next();
        this.metrics.rejected.inc({ reason: 'unknown_event' });
        return;
      }
      this.metrics.rateLimited.inc({ kind });
      this.metrics.rejected.inc({ reason: 'rate_limited' });
      if (decision === 'disconnect') {
        droppedForAbuse = true;
        this.metrics.disconnectedForAbuse.inc({ reason: 'rate_limit' });
        this.logger.warn({ socket: socket.id }, 'disconnecting a client that kept exceeding its rate limits');
        socket.disconnect(true);
        return;
      }
      replyWithError(socket, packet, kind === 'other' ? '' : kind, new ProtocolError('rate_limited'));
    });
  }

  async join(socket: SignalingSocket, request: JoinRequest): Promise<JoinResult> {
    const startedAt = performance.now();
    if (request.protocol !== PROTOCOL_VERSION) throw new ProtocolError('unsupported_protocol');
    if (socket.data.participantId !== undefined) throw new ProtocolError('already_joined');
    const throttleKey = `${clientAddress(socket.request, this.config.trustProxy)}|${request.roomId}`;
    if (request.passcode !== undefined && this.passcodeThrottle.isBlocked(throttleKey, Date.now())) {
      throw new ProtocolError('rate_limited');
    }
    // Claim the socket before awaiting so two concurrent joins on one socket cannot both pass.
    socket.data.participantId = '';
    let joined;
    try {
      joined = await this.rooms.join(request.roomId, request.name, request.media, request.passcode);
    } catch (error) {
      delete socket.data.participantId;
      if (error instanceof ProtocolError && error.code === 'wrong_passcode') {
        this.passcodeThrottle.recordFailure(throttleKey, Date.now());
      }
      throw error;
    }
    const { roomId, self, others } = joined;
    if (socket.disconnected) {
      await this.rooms.leave(self.id);
      throw new ProtocolError('not_in_room');
    }
    await this.attachSocket(socket, roomId, self.id);
    socket.to(roomChannel(roomId)).emit('participant-joined', { participant: self });
    this.metrics.roomSize.observe(others.length + 1);
    this.metrics.joinDuration.observe((performance.now() - startedAt) / 1000);
    // Room ids and names are the participants' business: log only the server-assigned id.
    this.logger.info({ participant: self.id, present: others.length + 1 }, 'participant joined');
    return this.joinResult(roomId, self, others);
  }

  /**
   * A new connection takes over an existing participant (after a network drop, a server restart with
   * shared state, or a move to another instance): same id, same room, nobody sees a leave. A token the
   * server does not know gets `session_unknown`, and the client joins afresh.
   */
  async resume(socket: SignalingSocket, request: ResumeRequest): Promise<JoinResult> {
    if (request.protocol !== PROTOCOL_VERSION) throw new ProtocolError('unsupported_protocol');
    if (socket.data.participantId !== undefined) throw new ProtocolError('already_joined');
    const participantId = await this.sessions.participantFor(request.token);
    socket.data.participantId = ''; // claimed while awaiting, as in join
    const found = participantId === undefined ? undefined : await this.rooms.find(participantId);
    if (participantId === undefined || !found || socket.disconnected) {
      socket.data.participantId = undefined;
      throw new ProtocolError('session_unknown');
    }
    // The previous connection may not have been noticed as dead yet: it loses the participant quietly.
    for (const previous of await this.requireServer().in(participantChannel(participantId)).fetchSockets()) {
      if (previous.id === socket.id) continue;
      previous.data.participantId = undefined;
      previous.data.roomId = undefined;
      previous.disconnect(true);
    }
    await this.sessions.markBack(participantId);
    await this.attachSocket(socket, found.roomId, participantId);
    const others = (await this.rooms.roster(found.roomId)).filter((p) => p.id !== participantId);
    socket.to(roomChannel(found.roomId)).emit('participant-resumed', { participant: found.participant });
    this.logger.info({ participant: participantId }, 'participant resumed');
    return this.joinResult(found.roomId, found.participant, others);
  }

  async leave(socket: SignalingSocket): Promise<{ ok: true }> {
    const participantId = socket.data.participantId;
    if (!participantId) throw new ProtocolError('not_in_room');
    await this.detach(socket);
    await this.removeParticipant(participantId);
    return { ok: true };
  }

  /** A dropped connection is not a leave: the participant waits for a resume during the grace period. */
  async disconnect(socket: SignalingSocket): Promise<void> {
    this.metrics.connectedSockets.dec();
    const participantId = socket.data.participantId;
    if (!participantId) return;
    await this.detach(socket);
    await this.sessions.markAway(participantId, this.config.resumeGraceMs);
  }

  /** Graceful shutdown: tell every client to reconnect (to this server once back, or another instance). */
  notifyShutdown(reconnectAfterMs: number): void {
    if (!this.server) return;
    // Only this instance's clients: with several instances the others keep theirs.
    this.server.local.emit('server-shutdown', { reconnectAfterMs });
    this.server.local.disconnectSockets(true);
  }

  /** Test and diagnostics view of what this instance holds. */
  async resources(): Promise<{ rooms: number; participants: number; sessions: number; passcodeThrottleKeys: number }> {
    return {
      ...(await this.rooms.counts()),
      sessions: (await this.sessions.sessionCounts()).sessions,
      passcodeThrottleKeys: this.passcodeThrottle.size,
    };
  }

  async relayDescription(socket: SignalingSocket, message: DescriptionOut): Promise<void> {
    const from = await this.checkTarget(socket, message.to);
    this.requireServer().to(participantChannel(message.to)).emit('description', { from, description: message.description });
    this.metrics.relayed.inc({ kind: 'description' });
  }

  async relayCandidate(socket: SignalingSocket, message: CandidateOut): Promise<void> {
    const from = await this.checkTarget(socket, message.to);
    this.requireServer().to(participantChannel(message.to)).emit('candidate', { from, candidate: message.candidate });
    this.metrics.relayed.inc({ kind: 'candidate' });
  }

  async updateMediaState(socket: SignalingSocket, message: MediaStateOut): Promise<void> {
    const from = socket.data.participantId;
    if (!from) throw new ProtocolError('not_in_room');
    const roomId = await this.rooms.setMedia(from, message.media);
    socket.to(roomChannel(roomId)).emit('media-state', { from, media: message.media });
    this.metrics.relayed.inc({ kind: 'media-state' });
  }

  /** The sender's own id (stamped by the server) once the target is known to share its room. */
  private async checkTarget(socket: SignalingSocket, to: string): Promise<string> {
    const from = socket.data.participantId;
    if (!from) throw new ProtocolError('not_in_room');
    if (to === from || (await this.rooms.sharedRoom(from, to)) === undefined) {
      throw new ProtocolError('unknown_participant');
    }
    return from;
  }

  private async attachSocket(socket: SignalingSocket, roomId: string, participantId: string): Promise<void> {
    socket.data.participantId = participantId;
    socket.data.roomId = roomId;
    await socket.join([roomChannel(roomId), participantChannel(participantId)]);
  }

  private async detach(socket: SignalingSocket): Promise<void> {
    const { participantId, roomId } = socket.data;
    socket.data.participantId = undefined;
    socket.data.roomId = undefined;
    if (roomId !== undefined) await socket.leave(roomChannel(roomId));
    if (participantId) await socket.leave(participantChannel(participantId));
  }

  /** Removes a participant for good and tells the room, exactly once (across instances too). */
  private async removeParticipant(participantId: string, options: { onlyIfExpired?: boolean } = {}): Promise<void> {
    try {
      const left = await this.rooms.leave(participantId, options);
      if (!left) return;
      await this.sessions.end(participantId);
      this.requireServer().to(roomChannel(left.roomId)).emit('participant-left', { id: participantId });
    } catch (error) {
      this.logger.error({ err: error, participant: participantId }, 'could not remove a participant');
    }
  }

  private async joinResult(roomId: string, self: Participant, others: Participant[]): Promise<JoinResult> {
    return {
      ok: true,
      protocol: PROTOCOL_VERSION,
      roomId,
      self,
      participants: others,
      iceServers: this.turn.iceServersFor(self.id),
      iceTransportPolicy: this.config.iceTransportPolicy,
      maxRoomSize: this.config.maxRoomSize,
      resumeToken: await this.sessions.issue(self.id),
      resumeGraceMs: this.config.resumeGraceMs,
    };
  }

  private requireServer(): SignalingServer {
    if (!this.server) throw new Error('SignalingService used before the gateway initialised');
    return this.server;
  }
}
