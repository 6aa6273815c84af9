import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.schema.js';
import { SignalingIoAdapter } from './signaling/signaling.io-adapter.js';

/** Builds the whole server (HTTP + socket.io) without listening, so tests can pick their own port. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: config.nodeEnv === 'test' ? ['error', 'warn'] : ['log', 'error', 'warn'],
  });
  app.useWebSocketAdapter(new SignalingIoAdapter(app, config));
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}
