import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthCheckService) {}

  /** Liveness: the process serves HTTP. Readiness checks join this list as dependencies appear. */
  @Get('healthz')
  @HealthCheck()
  check() {
    return this.health.check([]);
  }
}
