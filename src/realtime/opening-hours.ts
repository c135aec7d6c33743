/**
 * Opening hours as stored on a restaurant (Postgres `time`, "HH:MM:SS"), read in UTC: the server
 * has no per-restaurant time zone, so every time of day is a UTC time of day.
 *
 * - Either time null: the hours are not restricted, the restaurant is open all day.
 * - opening == closing: open all day (24 hours from that time to the same time).
 * - opening < closing: open from opening (inclusive) to closing (exclusive).
 * - opening > closing: the hours span midnight, e.g. 18:00-02:00 is open from 18:00 to 23:59:59
 *   and from 00:00 to 01:59:59.
 */
export interface OpeningHours {
  opening_time: string | null;
  closing_time: string | null;
}

export const MINUTES_PER_DAY = 24 * 60;
const MS_PER_DAY = MINUTES_PER_DAY * 60_000;

/** "18:30:00" -> milliseconds after midnight. */
export function timeOfDayMs(value: string): number {
  const [hours, minutes, seconds = '0'] = value.split(':');
  return (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000;
}

/** Milliseconds after UTC midnight of the instant. */
const msOfUtcDay = (at: Date) => ((at.getTime() % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;

export function isOpenAllDay(hours: OpeningHours): boolean {
  return hours.opening_time === null || hours.closing_time === null || hours.opening_time === hours.closing_time;
}

export function isOpenAt(hours: OpeningHours, at: Date): boolean {
  if (isOpenAllDay(hours)) return true;
  const opening = timeOfDayMs(hours.opening_time!);
  const closing = timeOfDayMs(hours.closing_time!);
  const now = msOfUtcDay(at);
  return opening < closing ? now >= opening && now < closing : now >= opening || now < closing;
}

/** Whether the whole interval [start, end) lies inside the hours (checked at both ends and at midnight crossings). */
export function isOpenThroughout(hours: OpeningHours, start: Date, end: Date): boolean {
  if (isOpenAllDay(hours)) return true;
  const last = new Date(end.getTime() - 1);
  if (!isOpenAt(hours, start) || !isOpenAt(hours, last)) return false;
  // Intervals here are at most 30 minutes, so only one closing time can fall inside: check it.
  const closing = timeOfDayMs(hours.closing_time!);
  const dayStart = start.getTime() - msOfUtcDay(start);
  for (const candidate of [dayStart + closing, dayStart + MS_PER_DAY + closing]) {
    if (candidate > start.getTime() && candidate <= last.getTime()) return false;
  }
  return true;
}
