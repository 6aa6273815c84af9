import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import { ProtocolError } from '../common/protocol.error.js';
import { LOGGER } from '../logging/logging.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { replyWithError } from './error-reply.js';

/**
 * Turns any error thrown by a message handler into a typed reply. Unexpected errors are logged and
 * reported as `internal_error` without details.
 */
@Injectable()
@Catch()
export class ProtocolExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const error = exception instanceof ProtocolError ? exception : new ProtocolError('internal_error');
    if (!(exception instanceof ProtocolError)) this.logger.error({ err: exception }, 'message handler failed');
    this.metrics.rejected.inc({ reason: error.code });
    replyWithError(ws.getClient<Socket>(), host.getArgs(), String(ws.getPattern()), error);
  }
}
