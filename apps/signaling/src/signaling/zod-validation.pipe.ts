import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ProtocolError } from '../common/protocol.error.js';

/**
 * Validates a message body against its protocol schema. On failure it throws a ProtocolError
 * with the fixed `invalid_message` text: zod's issue list would echo parts of the payload.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) throw new ProtocolError('invalid_message');
    return result.data;
  }
}
