import { describe, expect, it } from '@jest/globals';
import { addDays, isCalendarDate, periodWindow } from './analytics-period.js';

describe('periodWindow', () => {
  it('covers the N UTC days ending today, and the N days before them', () => {
    expect(periodWindow('7d', new Date('2024-03-02T23:59:59.999Z'))).toEqual({
      period: '7d',
      days: 7,
      from: '2024-02-25',
      to: '2024-03-02',
      until: '2024-03-03',
      previous_from: '2024-02-18',
      previous_to: '2024-02-24',
    });
  });

  it('starts a new day at 00:00Z whatever the local time zone', () => {
    expect(periodWindow('30d', new Date('2024-03-03T00:00:00.000Z'))).toMatchObject({ from: '2024-02-03', to: '2024-03-03' });
  });

  it('spans 90 days across a year end', () => {
    expect(periodWindow('90d', new Date('2024-01-15T12:00:00Z'))).toMatchObject({
      from: '2023-10-18',
      previous_from: '2023-07-20',
      previous_to: '2023-10-17',
    });
  });
});

describe('addDays', () => {
  it('moves across month ends and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});

describe('isCalendarDate', () => {
  it.each(['2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31', '2023-12-31'])('accepts %s', (value) => {
    expect(isCalendarDate(value)).toBe(true);
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '0000-01-01',
    '2024-1-01',
    '20240101',
    '2024-01-01T00:00:00Z',
    ' 2024-01-01',
    '',
    20240101,
    undefined,
  ])('refuses %s', (value) => {
    expect(isCalendarDate(value)).toBe(false);
  });
});
