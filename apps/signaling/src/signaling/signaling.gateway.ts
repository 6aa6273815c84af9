import { type BeforeApplicationShutdown, Inject } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { SignalingServer, SignalingSocket } from './signaling.channels.js';
import { SignalingHandlers } from './signaling.handlers.js';
import { SignalingService } from './signaling.service.js';

/**
 * The connection lifecycle as Nest sees it: the server once created, each connection and each
 * disconnect. Messages are handled by `SignalingHandlers`, registered on each connection.
 */
@WebSocketGateway()
export class SignalingGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  constructor(
    private readonly signaling: SignalingService,
    private readonly handlers: SignalingHandlers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: SignalingServer): void {
    this.signaling.attach(server);
    this.handlers.attach(server);
  }

  handleConnection(socket: SignalingSocket): void {
    this.signaling.connect(socket);
    this.handlers.listen(socket);
  }

  /** SIGTERM (through Nest's shutdown hooks): clients are told to reconnect before sockets close. */
  beforeApplicationShutdown(): void {
    this.signaling.notifyShutdown(this.config.shutdownReconnectDelayMs);
  }

  handleDisconnect(socket: SignalingSocket): Promise<void> {
    return this.signaling.disconnect(socket);
  }
}
