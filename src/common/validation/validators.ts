import { applyDecorators } from '@nestjs/common';
import { Length, Matches } from 'class-validator';

/** International phone numbers: optional +, digits with spaces, dots, dashes or brackets; 7-20 characters. */
export const PHONE_PATTERN = /^\+?[0-9](?:[0-9 ().-]{5,18})[0-9]$/;

export const IsPhoneNumber = () =>
  applyDecorators(
    Length(7, 20),
    Matches(PHONE_PATTERN, { message: '$property must be an international phone number such as +1-555-0123' }),
  );

/** "HH:MM" or "HH:MM:SS", 24-hour. */
export const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

export const IsTimeOfDay = () =>
  Matches(TIME_OF_DAY_PATTERN, { message: '$property must be a time of day as HH:MM or HH:MM:SS' });
