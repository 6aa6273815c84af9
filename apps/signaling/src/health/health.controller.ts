import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { REDIS, type RedisConnections } from '../redis/redis.module.js';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: RedisConnections | undefined,
  ) {}

  /** Liveness: the process serves HTTP. */
  @Get('healthz')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Readiness: everything a join needs is reachable: the shared Redis when one is configured. */
  @Get('readyz')
  @HealthCheck()
  ready() {
    const redis = this.redis;
    return this.health.check(redis ? [() => this.ping(redis)] : []);
  }

  private async ping(redis: RedisConnections) {
    const indicator = this.indicators.check('redis');
    try {
      await Promise.race([
        redis.command.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000)),
      ]);
      return indicator.up();
    } catch {
      return indicator.down({ message: 'Redis is unreachable' });
    }
  }
}
