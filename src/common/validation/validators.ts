import { applyDecorators } from '@nestjs/common';
import { Matches, ValidateBy } from 'class-validator';

/** Characters as Postgres counts them for varchar(n): code points (class-validator's Length skips variation selectors). */
function characters(value: string): number {
  let count = value.length;
  for (let index = 0; index < value.length - 1; index++) {
    const unit = value.charCodeAt(index);
    const next = value.charCodeAt(index + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      count--;
      index++;
    }
  }
  return count;
}

/** Length in characters (code points), min to max; the rule keeps class-validator's name. */
export const TextLength = (min: number, max: number) =>
  ValidateBy({
    name: 'isLength',
    constraints: [min, max],
    validator: {
      validate: (value) => typeof value === 'string' && characters(value) >= min && characters(value) <= max,
      defaultMessage: (args) =>
        typeof args?.value === 'string' && characters(args.value) < min
          ? `$property must be longer than or equal to ${min} characters`
          : `$property must be shorter than or equal to ${max} characters`,
    },
  });

/** At most max characters (code points); the rule keeps class-validator's name. */
export const MaxTextLength = (max: number) =>
  ValidateBy({
    name: 'maxLength',
    constraints: [max],
    validator: {
      validate: (value) => typeof value === 'string' && characters(value) <= max,
      defaultMessage: () => `$property must be shorter than or equal to ${max} characters`,
    },
  });

/** International phone numbers: optional +, digits with spaces, dots, dashes or brackets; 7-20 characters. */
export const PHONE_PATTERN = /^\+?[0-9](?:[0-9 ().-]{5,18})[0-9]$/;

export const IsPhoneNumber = () =>
  applyDecorators(
    TextLength(7, 20),
    Matches(PHONE_PATTERN, { message: '$property must be an international phone number such as +1-555-0123' }),
  );

/**
 * An instant as ISO 8601 date and time with a time zone. IsISO8601 alone also admits forms
 * (week dates such as 2024-W01-1) that Date cannot parse, and an Invalid Date reaching a query is a 500.
 */
export const DATE_TIME_WITH_ZONE_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export const IsDateTimeWithZone = () =>
  Matches(DATE_TIME_WITH_ZONE_PATTERN, { message: '$property must be an ISO 8601 date-time with a time zone' });

/** "HH:MM" or "HH:MM:SS", 24-hour. */
export const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

export const IsTimeOfDay = () => Matches(TIME_OF_DAY_PATTERN, { message: '$property must be a time of day as HH:MM or HH:MM:SS' });
