import { Injectable } from '@nestjs/common';

/**
 * The current time for the real-time rules (opening hours, slots, waits). One injectable source,
 * so a test can fix "now" by replacing `now` on the app's instance.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
