import type { PipeTransform } from '@nestjs/common';
import { PROTOCOL_VERSION } from '@meshmeet/protocol';
import type { z } from 'zod';
import { ProtocolError } from '../common/protocol.error.js';

/**
 * Validates a message body against its protocol schema. On failure it throws a ProtocolError
 * with the fixed `invalid_message` text: zod's issue list would echo parts of the payload.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    // A client of another version must hear "reload", not "malformed": its messages have another
    // shape, so the version is checked before the shape (join and resume carry it).
    if (typeof value === 'object' && value !== null && 'protocol' in value && typeof value.protocol === 'number' && value.protocol !== PROTOCOL_VERSION) {
      throw new ProtocolError('unsupported_protocol');
    }
    const result = this.schema.safeParse(value);
    if (!result.success) throw new ProtocolError('invalid_message');
    return result.data;
  }
}
