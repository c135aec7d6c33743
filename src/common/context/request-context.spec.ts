import { describe, expect, it } from '@jest/globals';
import { RequestContext } from './request-context.js';

describe('RequestContext', () => {
  it('follows the async chain of the work it wraps, and only that work', async () => {
    const seen = await RequestContext.run('job:cleanup', async () => {
      await new Promise((done) => setTimeout(done, 1));
      return RequestContext.cause();
    });
    expect(seen).toBe('job:cleanup');
    expect(RequestContext.cause()).toBeUndefined();
  });

  it('holds an Idempotency-Key for the work it wraps, keeping the cause', async () => {
    const held = { scope: 'account:1', key: 'k', claim: '00000000-0000-4000-8000-000000000000' };
    const seen = await RequestContext.run('POST /orders/customers/:id/orders', () =>
      RequestContext.holdingIdempotencyKey(held, async () => {
        await new Promise((done) => setTimeout(done, 1));
        return [RequestContext.cause(), RequestContext.idempotencyKey()];
      }),
    );
    expect(seen).toEqual(['POST /orders/customers/:id/orders', held]);
    expect(RequestContext.idempotencyKey()).toBeUndefined();
  });
});
