import { applyDecorators } from '@nestjs/common';
import { IsOptional, ValidateIf } from 'class-validator';

/**
 * How a body field may be absent:
 * - `required`: must be sent (the field's own validators reject undefined and null);
 * - `omittable`: may be left out but not sent as null, for NOT NULL columns (`IsOptional` would let
 *   null through to the database, which then refuses it with a 500);
 * - `nullable`: may be left out or sent as null, for nullable columns (null clears the value).
 */
export type Presence = 'required' | 'omittable' | 'nullable';

export const Presence = (presence: Presence): PropertyDecorator =>
  presence === 'required'
    ? applyDecorators()
    : presence === 'nullable'
      ? IsOptional()
      : ValidateIf((_object, value) => value !== undefined);

/** The `required`/`nullable` flags of @ApiProperty for a field with this presence. */
export const apiPresence = (presence: Presence) => ({ required: presence === 'required', nullable: presence === 'nullable' });

/**
 * The fields the caller actually sent. DTO instances declare every property (undefined when not
 * sent), and a partial update must only touch the sent ones.
 */
export function sentFields<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as Partial<T>;
}
