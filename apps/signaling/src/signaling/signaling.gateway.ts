import { type BeforeApplicationShutdown, Inject, UseFilters } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import {
  CLIENT_EVENTS,
  type CandidateOut,
  type DescriptionOut,
  type JoinRequest,
  type HandOut,
  type MediaStateOut,
  type ResumeRequest,
} from '@meshmeet/protocol';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { ProtocolExceptionFilter } from './protocol-exception.filter.js';
import {
  SignalingService,
  type SignalingServer,
  type SignalingSocket,
} from './signaling.service.js';
import { ZodValidationPipe } from './zod-validation.pipe.js';

const ValidBody = (event: keyof typeof CLIENT_EVENTS) => MessageBody(new ZodValidationPipe(CLIENT_EVENTS[event].payload));

/** Thin transport layer: validates each message with its protocol schema and hands it to the service. */
@UseFilters(ProtocolExceptionFilter)
@WebSocketGateway()
export class SignalingGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  constructor(
    private readonly signaling: SignalingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: SignalingServer): void {
    this.signaling.attach(server);
  }

  handleConnection(socket: SignalingSocket): void {
    this.signaling.connect(socket);
  }

  /** SIGTERM (through Nest's shutdown hooks): clients are told to reconnect before sockets close. */
  beforeApplicationShutdown(): void {
    this.signaling.notifyShutdown(this.config.shutdownReconnectDelayMs);
  }

  handleDisconnect(socket: SignalingSocket): Promise<void> {
    return this.signaling.disconnect(socket);
  }

  @SubscribeMessage('join')
  join(@ConnectedSocket() socket: SignalingSocket, @ValidBody('join') request: JoinRequest) {
    return this.signaling.join(socket, request);
  }

  @SubscribeMessage('resume')
  resume(@ConnectedSocket() socket: SignalingSocket, @ValidBody('resume') request: ResumeRequest) {
    return this.signaling.resume(socket, request);
  }

  @SubscribeMessage('leave')
  leave(@ConnectedSocket() socket: SignalingSocket, @ValidBody('leave') _request: object) {
    return this.signaling.leave(socket);
  }

  @SubscribeMessage('description')
  async description(@ConnectedSocket() socket: SignalingSocket, @ValidBody('description') message: DescriptionOut) {
    await this.signaling.relayDescription(socket, message);
    return { ok: true } as const;
  }

  @SubscribeMessage('candidate')
  async candidate(@ConnectedSocket() socket: SignalingSocket, @ValidBody('candidate') message: CandidateOut) {
    await this.signaling.relayCandidate(socket, message);
    return { ok: true } as const;
  }

  @SubscribeMessage('hand')
  async hand(@ConnectedSocket() socket: SignalingSocket, @ValidBody('hand') message: HandOut) {
    await this.signaling.updateHand(socket, message);
    return { ok: true } as const;
  }

  @SubscribeMessage('media-state')
  async mediaState(@ConnectedSocket() socket: SignalingSocket, @ValidBody('media-state') message: MediaStateOut) {
    await this.signaling.updateMediaState(socket, message);
    return { ok: true } as const;
  }
}
