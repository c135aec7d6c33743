import { describe, expect, it } from '@jest/globals';
import type { MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { PrincipalResolver } from '../access/principal-resolver.js';
import type { AppConfig } from '../config/app-config.js';
import { endAt, StreamLimits, TOKEN_EXPIRED_REASON } from './stream-limits.js';

const limits = (maxPerPrincipal: number, maxPerInstance: number) =>
  new StreamLimits({ streams: { maxPerPrincipal, maxPerInstance } } as AppConfig, {} as PrincipalResolver);

describe('StreamLimits', () => {
  it('caps each principal and the instance, and frees a slot once however often it is released', () => {
    const streams = limits(2, 3);
    const a1 = streams.tryOpen('a');
    const a2 = streams.tryOpen('a');
    expect(streams.tryOpen('a')).toBe('principal-full');
    const b1 = streams.tryOpen('b');
    expect(streams.tryOpen('b')).toBe('instance-full');
    expect([streams.open(), streams.open('a'), streams.open('b')]).toEqual([3, 2, 1]);
    if (typeof a1 === 'string' || typeof a2 === 'string' || typeof b1 === 'string') throw new Error('expected leases');
    a1.release();
    a1.release();
    expect([streams.open(), streams.open('a')]).toEqual([2, 1]);
    expect(typeof streams.tryOpen('b')).toBe('object');
    a2.release();
    b1.release();
    expect([streams.open('a'), streams.open('b'), streams.open()]).toEqual([0, 1, 1]);
  });
});

describe('endAt', () => {
  it('passes events through, then ends with a reconnect event at the expiry and unsubscribes the source', async () => {
    let unsubscribed = false;
    const source = new Observable<MessageEvent>((subscriber) => {
      subscriber.next({ type: 'status', data: { order_status: 'placed' } });
      return () => {
        unsubscribed = true;
      };
    });
    const seen: MessageEvent[] = [];
    await new Promise<void>((done) => endAt(source, Date.now() + 30).subscribe({ next: (event) => seen.push(event), complete: done }));
    expect(seen).toEqual([
      { type: 'status', data: { order_status: 'placed' } },
      { type: 'reconnect', data: { reason: TOKEN_EXPIRED_REASON } },
    ]);
    expect(unsubscribed).toBe(true);
  });

  it('ends at once for credentials that already expired', async () => {
    const seen: MessageEvent[] = [];
    await new Promise<void>((done) => endAt(new Observable<MessageEvent>(), Date.now() - 1).subscribe({ next: (event) => seen.push(event), complete: done }));
    expect(seen.map((event) => event.type)).toEqual(['reconnect']);
  });
});
