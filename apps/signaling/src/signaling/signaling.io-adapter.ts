import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { LIMITS } from '@meshmeet/protocol';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/config.schema.js';

/** socket.io server options that come from configuration rather than from the gateway decorator. */
export class SignalingIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const merged: Partial<ServerOptions> = {
      ...options,
      serveClient: false,
      // Frames above this are refused by engine.io before they are parsed.
      maxHttpBufferSize: LIMITS.maxMessageBytes,
      pingInterval: this.config.pingIntervalMs,
      pingTimeout: this.config.pingTimeoutMs,
      cors: this.config.allowedOrigins.length > 0 ? { origin: this.config.allowedOrigins } : undefined,
    };
    return super.createIOServer(port, merged as ServerOptions) as Server;
  }
}
