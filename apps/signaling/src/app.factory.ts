import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.schema.js';
import { createLogger, PinoNestLogger } from './logging/logger.js';
import { MetricsService } from './metrics/metrics.service.js';
import { connectRedis } from './redis/redis.module.js';
import { SignalingIoAdapter } from './signaling/signaling.io-adapter.js';
import { appForUndecodablePaths } from './web/undecodable-path.js';

/**
 * The web client's Content-Security-Policy: only its own scripts, styles and connections (same-origin
 * WebSocket included: CSP3 `'self'` matches ws/wss on the same host). Media streams need no source.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  mediaSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export interface CreateAppOptions {
  /** Where logs go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
}

const ioAdapters = new WeakMap<NestExpressApplication, SignalingIoAdapter>();

/** The socket.io adapter of an app made by `createApp` (its per-address connection counts, for tests). */
export function ioAdapterOf(app: NestExpressApplication): SignalingIoAdapter | undefined {
  return ioAdapters.get(app);
}

/** Builds the whole server (HTTP + socket.io) without listening, so tests can pick their own port. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const logger = createLogger(config, options.logDestination);
  const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
  redis?.publishes.reportTo((failures, error) =>
    logger.warn({ err: error, failures }, 'publications to the other instances failed: those relays and broadcasts were lost'),
  );
  for (const [connection, watchdog] of Object.entries(redis?.watchdogs ?? {})) {
    watchdog.reportTo(() => logger.warn({ connection }, 'Redis stopped answering: dropped the connection (what waited on it failed) and opening it again'));
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger, redis), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  const ioAdapter = new SignalingIoAdapter(app, config, app.get(MetricsService), logger, redis);
  app.useWebSocketAdapter(ioAdapter);
  ioAdapters.set(app, ioAdapter);
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      // Cross-origin isolation is not needed and would block nothing we load.
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use((_request: unknown, response: { setHeader: (name: string, value: string) => void }, next: () => void) => {
    response.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), speaker-selection=(self), display-capture=(self), geolocation=()');
    next();
  });
  const brokenLinks = config.webDist === '' ? undefined : appForUndecodablePaths(config.webDist);
  if (brokenLinks) app.use(brokenLinks);
  app.enableShutdownHooks();
  return app;
}
