import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  PROTOCOL_VERSION,
  type CandidateOut,
  type ClientToServerEvents,
  type DescriptionOut,
  type JoinRequest,
  type JoinResult,
  type MediaStateOut,
  type ServerToClientEvents,
} from '@meshmeet/protocol';
import type { Server, Socket } from 'socket.io';
import { ProtocolError } from '../common/protocol.error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { RoomsService } from '../rooms/rooms.service.js';

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

@Injectable()
export class SignalingService {
  private readonly logger = new Logger('Signaling');
  private server?: SignalingServer;

  constructor(
    private readonly rooms: RoomsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  attach(server: SignalingServer): void {
    this.server = server;
  }

  async join(socket: SignalingSocket, request: JoinRequest): Promise<JoinResult> {
    if (request.protocol !== PROTOCOL_VERSION) throw new ProtocolError('unsupported_protocol');
    if (socket.data.participantId !== undefined) throw new ProtocolError('already_joined');
    // Claim the socket before awaiting so two concurrent joins on one socket cannot both pass.
    socket.data.participantId = '';
    let joined;
    try {
      joined = await this.rooms.join(request.roomId, request.name, request.media);
    } catch (error) {
      delete socket.data.participantId;
      throw error;
    }
    const { roomId, self, others } = joined;
    if (socket.disconnected) {
      await this.rooms.leave(self.id);
      throw new ProtocolError('not_in_room');
    }
    socket.data.participantId = self.id;
    socket.data.roomId = roomId;
    await socket.join([roomChannel(roomId), participantChannel(self.id)]);
    socket.to(roomChannel(roomId)).emit('participant-joined', { participant: self });
    this.logger.log(`participant ${self.id} joined a room (${others.length + 1} present)`);
    return {
      ok: true,
      protocol: PROTOCOL_VERSION,
      roomId,
      self,
      participants: others,
      iceServers: this.config.iceServers,
      maxRoomSize: this.config.maxRoomSize,
    };
  }

  async leave(socket: SignalingSocket): Promise<{ ok: true }> {
    if (!socket.data.participantId) throw new ProtocolError('not_in_room');
    await this.removeParticipant(socket);
    return { ok: true };
  }

  async disconnect(socket: SignalingSocket): Promise<void> {
    if (socket.data.participantId) await this.removeParticipant(socket);
  }

  async relayDescription(socket: SignalingSocket, message: DescriptionOut): Promise<void> {
    const from = await this.checkTarget(socket, message.to);
    this.requireServer().to(participantChannel(message.to)).emit('description', { from, description: message.description });
  }

  async relayCandidate(socket: SignalingSocket, message: CandidateOut): Promise<void> {
    const from = await this.checkTarget(socket, message.to);
    this.requireServer().to(participantChannel(message.to)).emit('candidate', { from, candidate: message.candidate });
  }

  async updateMediaState(socket: SignalingSocket, message: MediaStateOut): Promise<void> {
    const from = socket.data.participantId;
    if (!from) throw new ProtocolError('not_in_room');
    const roomId = await this.rooms.setMedia(from, message.media);
    socket.to(roomChannel(roomId)).emit('media-state', { from, media: message.media });
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

  private async removeParticipant(socket: SignalingSocket): Promise<void> {
    const participantId = socket.data.participantId;
    const roomId = socket.data.roomId;
    delete socket.data.participantId;
    delete socket.data.roomId;
    if (!participantId || roomId === undefined) return;
    await socket.leave(roomChannel(roomId));
    await socket.leave(participantChannel(participantId));
    const left = await this.rooms.leave(participantId);
    if (left) this.requireServer().to(roomChannel(left.roomId)).emit('participant-left', { id: participantId });
  }

  private requireServer(): SignalingServer {
    if (!this.server) throw new Error('SignalingService used before the gateway initialised');
    return this.server;
  }
}
