import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedException } from '../errors/validation-failed.exception.js';

export const MAX_ID = 2_147_483_647;

/** A positive integer that fits the int4 primary keys, written in plain decimal; else undefined. */
export function parseId(value: unknown): number | undefined {
  const id = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  return Number.isInteger(id) && id >= 1 && id <= MAX_ID ? id : undefined;
}

/** Path ids: a positive integer that fits the int4 primary keys; otherwise a 400 naming the parameter. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const id = parseId(value);
    if (id === undefined) {
      const field = metadata.data ?? 'id';
      throw ValidationFailedException.single(field, 'id', `${field} must be an integer between 1 and ${MAX_ID}`);
    }
    return id;
  }
}
