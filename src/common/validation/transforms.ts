import { Transform } from 'class-transformer';

/** Query-string booleans: exactly "true" or "false"; anything else stays a string and fails @IsBoolean. */
export const ToBoolean = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value), { toClassOnly: true });

/** Query-string integers: digits only; anything else stays a string and fails @IsInt. */
export const ToInteger = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value), {
    toClassOnly: true,
  });

/** Query-string decimals: a plain decimal number; anything else stays a string and fails @IsNumber. */
export const ToNumber = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value), {
    toClassOnly: true,
  });

export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value), { toClassOnly: true });

/** "main course" -> "Main Course": cuisine and category are stored capitalised. */
export function capitalizeWords(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/(^|[\s-])(\p{L})/gu, (_match, separator: string, letter: string) => separator + letter.toUpperCase());
}

export const CapitalizeWords = () =>
  Transform(({ value }) => (typeof value === 'string' ? capitalizeWords(value) : value), { toClassOnly: true });

/** Money: rounded half-up to 2 decimals on the way in. */
export const RoundToCents = () =>
  Transform(({ value }) => (typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 100 + Number.EPSILON * 100) / 100 : value), {
    toClassOnly: true,
  });
