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
});
