import { applyDecorators, type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { ValidationFailedException } from '../errors/validation-failed.exception.js';

export const MAX_ID = 2_147_483_647;

/**
 * The one written form of an id in a path or query string: a positive int4 in canonical decimal
 * (no sign, no leading zero, no exponent, no spaces, at most 10 digits). One spelling per id means
 * the access guard, the path pipes and the query DTOs all read the same row from the same text:
 * "07", "+7", "7e0", " 7" and "000000000007" are refused everywhere, never read as 7 somewhere.
 */
const ID_PATTERN = /^[1-9]\d{0,9}$/;

export const ID_RULE = 'id';
export const idMessage = (field: string) => `${field} must be an integer between 1 and ${MAX_ID}`;

/** The id a path or query value names, by {@link ID_PATTERN} within int4; else undefined. */
export function parseId(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) return undefined;
  const id = Number(value);
  return id <= MAX_ID ? id : undefined;
}

/** 400 naming the field, in the shape of every validation failure. */
export const malformedId = (field: string) => ValidationFailedException.single(field, ID_RULE, idMessage(field));

/** Path ids: {@link parseId}; otherwise a 400 naming the parameter. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const id = parseId(value);
    if (id === undefined) throw malformedId(metadata.data ?? 'id');
    return id;
  }
}

/**
 * Query-string ids: {@link parseId}, the same rule and message as path ids (rule `id`). Anything
 * else stays as sent and fails the check, so no other reading of the text reaches the handler.
 */
export const QueryId = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => parseId(value) ?? value, { toClassOnly: true }),
    ValidateBy({
      name: ID_RULE,
      validator: {
        validate: (value) => Number.isInteger(value) && value >= 1 && value <= MAX_ID,
        defaultMessage: (args) => idMessage(args?.property ?? 'id'),
      },
    }),
  );
