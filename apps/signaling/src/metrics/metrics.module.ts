import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsServer } from './metrics.server.js';
import { MetricsService } from './metrics.service.js';

@Global()
@Module({ providers: [MetricsService, MetricsServer], controllers: [MetricsController], exports: [MetricsService] })
export class MetricsModule {}
