import { ERROR_MESSAGES, type ErrorCode, type ErrorPayload } from '@meshmeet/protocol';

/** An expected, client-caused failure. Carries a stable code and a fixed message, never client data. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** Facts the server knows (never client data) that help the page explain, e.g. a full room's size. */
    private readonly details: Pick<ErrorPayload, 'roomSize'> = {},
  ) {
    super(ERROR_MESSAGES[code]);
    this.name = 'ProtocolError';
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, ...this.details };
  }
}
