import { describe, expect, it } from '@jest/globals';
import { isOpenAllDay, isOpenAt, isOpenThroughout } from './opening-hours.js';

const at = (time: string) => new Date(`2024-03-10T${time}Z`);

describe('opening hours (UTC)', () => {
  const day = { opening_time: '10:00:00', closing_time: '22:00:00' };
  const night = { opening_time: '18:00:00', closing_time: '02:00:00' };

  it('is open from the opening time up to, not including, the closing time', () => {
    expect(isOpenAt(day, at('09:59:59'))).toBe(false);
    expect(isOpenAt(day, at('10:00:00'))).toBe(true);
    expect(isOpenAt(day, at('21:59:59'))).toBe(true);
    expect(isOpenAt(day, at('22:00:00'))).toBe(false);
  });

  it('spans midnight when the closing time is earlier than the opening time', () => {
    expect(isOpenAt(night, at('17:59:59'))).toBe(false);
    expect(isOpenAt(night, at('18:00:00'))).toBe(true);
    expect(isOpenAt(night, at('23:59:59'))).toBe(true);
    expect(isOpenAt(night, at('00:00:00'))).toBe(true);
    expect(isOpenAt(night, at('01:59:59'))).toBe(true);
    expect(isOpenAt(night, at('02:00:00'))).toBe(false);
    expect(isOpenAt(night, at('12:00:00'))).toBe(false);
  });

  it('treats missing hours, or equal opening and closing times, as open all day', () => {
    for (const hours of [
      { opening_time: null, closing_time: null },
      { opening_time: '10:00:00', closing_time: null },
      { opening_time: null, closing_time: '22:00:00' },
      { opening_time: '08:00:00', closing_time: '08:00:00' },
    ]) {
      expect(isOpenAllDay(hours)).toBe(true);
      expect(isOpenAt(hours, at('03:17:00'))).toBe(true);
    }
  });

  it('counts an interval as open only when it lies wholly inside the hours', () => {
    expect(isOpenThroughout(day, at('21:30:00'), at('22:00:00'))).toBe(true);
    expect(isOpenThroughout(day, at('21:45:00'), at('22:15:00'))).toBe(false);
    expect(isOpenThroughout(night, at('23:45:00'), at('00:15:00'))).toBe(true);
    expect(isOpenThroughout(night, at('01:30:00'), at('02:00:00'))).toBe(true);
    expect(isOpenThroughout(night, at('01:45:00'), at('02:15:00'))).toBe(false);
    // Closed for ten minutes (18:10-18:20): the slot around the gap is not open throughout.
    const gap = { opening_time: '18:20:00', closing_time: '18:10:00' };
    expect(isOpenThroughout(gap, at('18:00:00'), at('18:30:00'))).toBe(false);
    expect(isOpenThroughout(gap, at('18:30:00'), at('19:00:00'))).toBe(true);
  });
});
