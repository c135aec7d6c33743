/**
 * Reporting periods. A period of N days is the N calendar days in UTC that end today, today
 * included (so "7d" on a Wednesday runs from the Thursday before, 00:00Z, to Thursday 00:00Z,
 * exclusive). Its previous period is the N days just before it. Whole days keep the daily series
 * aligned with the totals and keep a figure unchanged for the rest of the day unless data changes.
 */
export const ANALYTICS_PERIODS = ['7d', '30d', '90d'] as const;
export type AnalyticsPeriod = (typeof ANALYTICS_PERIODS)[number];
export const DEFAULT_PERIOD: AnalyticsPeriod = '7d';

export const PERIOD_DAYS: Record<AnalyticsPeriod, number> = { '7d': 7, '30d': 30, '90d': 90 };

/** Calendar days as `YYYY-MM-DD`, all in UTC. */
export interface PeriodWindow {
  period: AnalyticsPeriod;
  days: number;
  /** First day of the period. */
  from: string;
  /** Last day of the period (today), inclusive. */
  to: string;
  /** The day after `to`: the period covers [from 00:00Z, until 00:00Z). */
  until: string;
  /** First day of the previous period of the same length. */
  previous_from: string;
  /** Last day of the previous period, inclusive: the day before `from`. */
  previous_to: string;
}

const DAY_MS = 86_400_000;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC calendar day of an instant, as `YYYY-MM-DD`. */
export const utcDay = (instant: Date): string => instant.toISOString().slice(0, 10);

/** `day` moved by a whole number of days (day is `YYYY-MM-DD` in the years 1970-9999). */
export const addDays = (day: string, days: number): string => utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));

export function periodWindow(period: AnalyticsPeriod, now: Date): PeriodWindow {
  const days = PERIOD_DAYS[period];
  const to = utcDay(now);
  const from = addDays(to, 1 - days);
  return { period, days, from, to, until: addDays(to, 1), previous_from: addDays(from, -days), previous_to: addDays(from, -1) };
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** `YYYY-MM-DD` naming a day that exists (2024-02-29 does, 2023-02-29 and 2024-13-01 do not), year 0001 to 9999. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = CALENDAR_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= daysInMonth;
}
