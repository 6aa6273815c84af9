import { type BeforeApplicationShutdown, Inject } from '@nestjs/common';
import { type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { SignalingServer, SignalingSocket } from './signaling.channels.js';
import { SignalingHandlers } from './signaling.handlers.js';
import { SignalingService } from './signaling.service.js';

/**
 * Where Nest hands over the socket.io server: once created, connections are taken straight from
 * socket.io (Nest's per-connection rxjs streams are not bound, see `SignalingIoAdapter`), and messages
 * are handled by `SignalingHandlers`, registered on each connection.
 */
@WebSocketGateway()
export class SignalingGateway implements OnGatewayInit, BeforeApplicationShutdown {
  /** The same function for every connection (`this` is the socket): nothing allocated per connection. */
  private readonly onDisconnect: (this: SignalingSocket) => void;

  constructor(
    private readonly signaling: SignalingService,
    private readonly handlers: SignalingHandlers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.onDisconnect = function onDisconnect() {
      void signaling.disconnect(this);
    };
  }

  afterInit(server: SignalingServer): void {
    this.signaling.attach(server);
    this.handlers.attach(server);
    server.on('connection', (socket) => this.handleConnection(socket));
  }

  handleConnection(socket: SignalingSocket): void {
    this.signaling.connect(socket);
    this.handlers.listen(socket);
    socket.on('disconnect', this.onDisconnect); // emitted once per socket
  }

  /** SIGTERM (through Nest's shutdown hooks): clients are told to reconnect before sockets close. */
  beforeApplicationShutdown(): void {
    this.signaling.notifyShutdown(this.config.shutdownReconnectDelayMs);
  }
}
