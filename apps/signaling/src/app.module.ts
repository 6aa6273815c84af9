import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import type { Logger } from 'pino';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.schema.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RedisModule, type RedisConnections } from './redis/redis.module.js';
import { RoomsModule } from './rooms/rooms.module.js';
import { SignalingModule } from './signaling/signaling.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger, redis?: RedisConnections): DynamicModule {
    const serveWeb = config.webDist !== '' && existsSync(join(config.webDist, 'index.html'));
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        RedisModule.forRoot(redis),
        RoomsModule.forRoot(config),
        MetricsModule,
        HealthModule,
        SignalingModule,
        // The single-page client: unknown paths such as /r/<room> fall back to index.html.
        ...(serveWeb
          ? [
              ServeStaticModule.forRoot({
                rootPath: config.webDist,
                exclude: ['/healthz', '/readyz', '/metrics', '/socket.io/{*rest}'],
              }),
            ]
          : []),
      ],
    };
  }
}
