import { Transform } from 'class-transformer';

/** Query-string booleans: exactly "true" or "false"; anything else stays a string and fails @IsBoolean. */
export const ToBoolean = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value), { toClassOnly: true });

/** Query-string integers: digits only; anything else stays a string and fails @IsInt. */
export const ToInteger = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value), {
    toClassOnly: true,
  });

/** Query-string decimals: a plain decimal number; anything else stays a string and fails @IsNumber. */
export const ToNumber = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value), {
    toClassOnly: true,
  });

/** An ISO 8601 date and time with no zone or offset, e.g. 2024-01-15T18:30:00. */
const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

/**
 * Times are UTC: a date-time written without a zone (as clients of earlier versions send it) is
 * read as UTC by adding `Z`. Anything else is left as sent for the date-time rules to judge.
 */
export const ZonelessAsUtc = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && ZONELESS_DATE_TIME.test(value) ? `${value}Z` : value), {
    toClassOnly: true,
  });

export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value), { toClassOnly: true });

/** "main course" -> "Main Course": cuisine and category are stored capitalised. */
export function capitalizeWords(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/(^|[\s-])(\p{L})/gu, (_match, separator: string, letter: string) => separator + letter.toUpperCase());
}

export const CapitalizeWords = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? capitalizeWords(value) : value), { toClassOnly: true });

/**
 * Half-up to 2 decimals on the decimal digits as written: shifting by exponent notation avoids
 * the binary error of `value * 100` (10.075 * 100 is 1007.4999...).
 */
export function roundToCents(value: number): number {
  return Number(`${Math.round(Number(`${value}e2`))}e-2`);
}

/** Money: rounded half-up to 2 decimals on the way in. */
export const RoundToCents = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'number' && Number.isFinite(value) ? roundToCents(value) : value), {
    toClassOnly: true,
  });
