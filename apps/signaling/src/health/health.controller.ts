import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthCheckService) {}

  /** Liveness: the process serves HTTP. */
  @Get('healthz')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Readiness: everything a join needs is reachable (the shared store joins this list when configured). */
  @Get('readyz')
  @HealthCheck()
  ready() {
    return this.health.check([]);
  }
}
