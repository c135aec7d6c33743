import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registration, TEST_PASSWORD } from './support/accounts.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// One hashing slot at the production cost, and a short wait for it: a burst of sign-ins is
// served one at a time, and those that would wait too long are turned away, unhashed.
const ONE_SLOT = {
  AUTH_BCRYPT_ROUNDS: '12',
  AUTH_HASH_CONCURRENCY: '1',
  AUTH_HASH_MAX_WAIT_MS: '100',
  AUTH_RATE_LIMIT_PER_MINUTE: '1000',
  AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE: '1000',
};

describe('sign-ins beyond what the hashing slots can serve in time', () => {
  let t: TestApp;
  let email: string;

  beforeAll(async () => {
    t = await startTestApp({ env: ONE_SLOT });
    const body = registration();
    email = body.email as string;
    expect((await t.http.post('/auth/register', body)).status).toBe(201);
  });
  afterAll(() => t.close());

  it('answers the ones that waited past AUTH_HASH_MAX_WAIT_MS with 503 and Retry-After, and still signs in the others', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => t.http.post('/auth/login', { email, password: TEST_PASSWORD })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);

    const turnedAway = answers.filter((answer) => answer.status === 503);
    expect(turnedAway.length).toBeGreaterThan(0);
    for (const answer of turnedAway) {
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(answer.body).toMatchObject({ status: 503, message: expect.stringContaining('retry later') });
    }

    // Nothing is left queued: once the burst is over a sign-in is served at once.
    const after = await t.http.post('/auth/login', { email, password: TEST_PASSWORD });
    expect(after.status).toBe(200);
  });
});
