import { describe, expect, it } from '@jest/globals';
import bcryptjs from 'bcryptjs';
import { createHash } from 'node:crypto';
import { loadConfig } from '../config/app-config.js';
import { PasswordHasher, Semaphore, SlotWaitExceeded } from './password-hasher.js';

const hasher = new PasswordHasher(loadConfig({ AUTH_BCRYPT_ROUNDS: '4' }));
/**
 * How passwords were stored before the native binding: bcryptjs ($2b$) over the SHA-256 (base64)
 * of the password. `a` relabels it $2a$, which older bcrypt libraries wrote for the same algorithm
 * (the two differ only for inputs over 255 bytes, and the input here is 44).
 */
const bcryptjsHash = (password: string, rounds: number, version: 'a' | 'b' = 'b') => {
  const hash = bcryptjs.hashSync(createHash('sha256').update(password, 'utf8').digest('base64'), rounds);
  return version === 'a' ? hash.replace(/^\$2b\$/, '$2a$') : hash;
};
const costOf = (hash: string) => bcryptjs.getRounds(hash);

describe('PasswordHasher', () => {
  it('stores a bcrypt hash ($2b$) at the configured cost, salted anew each time', async () => {
    const first = await hasher.hash('correct horse battery');
    expect(first).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
    expect(costOf(first)).toBe(4);
    expect(await hasher.hash('correct horse battery')).not.toBe(first);
  });

  it('accepts the password and refuses any other', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(await hasher.verify('correct horse battery', hash)).toBe(true);
    expect(await hasher.verify('correct horse batterY', hash)).toBe(false);
    expect(await hasher.verify('', hash)).toBe(false);
  });

  it('tells apart long passwords that differ only after bcrypt’s 72 bytes', async () => {
    const prefix = 'é'.repeat(40); // 80 bytes of UTF-8
    const hash = await hasher.hash(`${prefix}-one`);
    expect(await hasher.verify(`${prefix}-one`, hash)).toBe(true);
    expect(await hasher.verify(`${prefix}-two`, hash)).toBe(false);
  });

  it('refuses every password when there is no hash (unknown account), after a comparison at the same cost', async () => {
    const slow = new PasswordHasher(loadConfig({ AUTH_BCRYPT_ROUNDS: '10' }));
    await slow.verify('warm-up', undefined); // the dummy hash is made once
    const started = performance.now();
    expect(await slow.verify('correct horse battery', undefined)).toBe(false);
    const unknownMs = performance.now() - started;
    const hash = await slow.hash('correct horse battery');
    const knownStarted = performance.now();
    await slow.verify('wrong horse battery', hash);
    const knownMs = performance.now() - knownStarted;
    // A cost-10 comparison takes tens of milliseconds; one at cost 4 would take about 1/64 of that.
    expect(unknownMs).toBeGreaterThan(knownMs / 4);
  });

  it('reads hashes bcryptjs wrote ($2a$ and $2b$), and marks them outdated only for another variant or cost', async () => {
    for (const version of ['a', 'b'] as const) {
      const old = bcryptjsHash('correct horse battery', 4, version);
      expect(await hasher.verify('correct horse battery', old)).toBe(true);
      expect(await hasher.verify('wrong horse battery', old)).toBe(false);
    }
    expect(hasher.isOutdated(bcryptjsHash('x', 4, 'b'))).toBe(false);
    expect(hasher.isOutdated(bcryptjsHash('x', 4, 'a'))).toBe(true);
    expect(hasher.isOutdated(bcryptjsHash('x', 5, 'b'))).toBe(true);
  });

  it('check: a rehash at the current variant and cost for a right password on an outdated hash, nothing otherwise', async () => {
    const old = bcryptjsHash('correct horse battery', 5, 'a');
    const right = await hasher.check('correct horse battery', old);
    expect(right.valid).toBe(true);
    expect(right.rehashed).toMatch(/^\$2b\$04\$/);
    expect(await hasher.verify('correct horse battery', right.rehashed)).toBe(true);
    expect(await hasher.check('wrong horse battery', old)).toEqual({ valid: false });
    expect(await hasher.check('correct horse battery', await hasher.hash('correct horse battery'))).toEqual({ valid: true });
    expect(await hasher.check('correct horse battery', undefined)).toEqual({ valid: false });
  });

  it('runs all of many concurrent hashes to the end with AUTH_HASH_CONCURRENCY=1', async () => {
    const limited = new PasswordHasher(loadConfig({ AUTH_BCRYPT_ROUNDS: '4', AUTH_HASH_CONCURRENCY: '1' }));
    const hashes = await Promise.all(Array.from({ length: 6 }, (_, index) => limited.hash(`password ${index}`)));
    expect(new Set(hashes).size).toBe(6);
    expect(await limited.verify('password 5', hashes[5])).toBe(true);
  });
});

describe('Semaphore', () => {
  it('runs at most its limit of tasks at once, in arrival order, and frees the slot of a failed task', async () => {
    const semaphore = new Semaphore(2);
    const releases: Array<() => void> = [];
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const task = (index: number) =>
      semaphore.run(async () => {
        started.push(index);
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        if (index === 0) throw new Error('task 0 fails');
        return index;
      });
    const results = [0, 1, 2, 3, 4].map((index) => task(index).catch((error: Error) => error.message));
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    expect(started).toEqual([0, 1]);
    while (releases.length > 0) {
      releases.shift()!();
      await settle();
    }
    expect(await Promise.all(results)).toEqual(['task 0 fails', 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('turns away a task that waited longer than its limit without running it, and keeps serving the others', async () => {
    const semaphore = new Semaphore(1, 50);
    let release!: () => void;
    const first = semaphore.run(() => new Promise<string>((resolve) => (release = () => resolve('first'))));
    let secondRan = false;
    const second = semaphore.run(async () => {
      secondRan = true;
      return 'second';
    });
    await expect(second).rejects.toBeInstanceOf(SlotWaitExceeded);
    expect(secondRan).toBe(false);
    const third = semaphore.run(async () => 'third');
    release();
    expect(await first).toBe('first');
    expect(await third).toBe('third');
  });
});
