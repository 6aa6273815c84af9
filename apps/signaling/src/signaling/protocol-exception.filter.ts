import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { ErrorResult, SignalError } from '@meshmeet/protocol';
import type { Socket } from 'socket.io';
import { ProtocolError } from '../common/protocol.error.js';

/**
 * Turns any error thrown by a message handler into a typed reply. When the client asked for an
 * acknowledgement it gets `{ ok: false, error }`; otherwise a `signal-error` event. Unexpected
 * errors are logged and reported as `internal_error` without details.
 */
@Catch()
export class ProtocolExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Signaling');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const socket = ws.getClient<Socket>();
    const error = exception instanceof ProtocolError ? exception : new ProtocolError('internal_error');
    if (!(exception instanceof ProtocolError)) {
      this.logger.error(`handler failed: ${exception instanceof Error ? exception.stack : String(exception)}`);
    }
    // socket.io passes the acknowledgement callback as the last handler argument.
    const ack = host.getArgs().findLast((arg: unknown) => typeof arg === 'function') as
      | ((response: ErrorResult) => void)
      | undefined;
    if (ack) {
      ack({ ok: false, error: error.toPayload() });
      return;
    }
    const event = ws.getPattern();
    const payload: SignalError = { event: String(event).slice(0, 64), ...error.toPayload() };
    socket.emit('signal-error', payload);
  }
}
