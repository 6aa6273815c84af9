import type { ErrorResult, SignalError } from '@meshmeet/protocol';
import type { Socket } from 'socket.io';
import type { ProtocolError } from '../common/protocol.error.js';

/**
 * Answers a refused message: through its acknowledgement when the client asked for one, otherwise
 * with a `signal-error` event. Only the fixed code and message go back, never the client's data.
 */
export function replyWithError(socket: Socket, args: readonly unknown[], event: string, error: ProtocolError): void {
  // socket.io passes the acknowledgement callback as the last argument.
  const ack = args.findLast((arg) => typeof arg === 'function') as ((response: ErrorResult) => void) | undefined;
  if (ack) {
    ack({ ok: false, error: error.toPayload() });
    return;
  }
  const payload: SignalError = { event: event.slice(0, 64), ...error.toPayload() };
  socket.emit('signal-error', payload);
}
