import { Controller, Get, Headers, Inject, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { authorizedScrape } from './metrics.server.js';
import { MetricsService } from './metrics.service.js';

@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** On the public port unless METRICS_PORT moves it; with METRICS_TOKEN it needs the bearer token. */
  @Get('metrics')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: { setHeader(name: string, value: string): void; send(body: string): void }): Promise<void> {
    if (this.config.metricsPort !== undefined) throw new NotFoundException();
    if (!authorizedScrape(authorization, this.config.metricsToken)) throw new UnauthorizedException();
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    response.send(await this.metrics.registry.metrics());
  }
}
