import { describe, expect, it, jest } from '@jest/globals';
import bcrypt from 'bcryptjs';
import { loadConfig } from '../config/app-config.js';
import { PasswordHasher } from './password-hasher.js';

const hasher = new PasswordHasher(loadConfig({ AUTH_BCRYPT_ROUNDS: '4' }));

describe('PasswordHasher', () => {
  it('stores a bcrypt hash at the configured cost, salted anew each time', async () => {
    const first = await hasher.hash('correct horse battery');
    expect(first).toMatch(/^\$2[aby]\$04\$[./A-Za-z0-9]{53}$/);
    expect(bcrypt.getRounds(first)).toBe(4);
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
    const compare = jest.spyOn(bcrypt, 'compare');
    try {
      expect(await hasher.verify('correct horse battery', undefined)).toBe(false);
      expect(await hasher.verify('', undefined)).toBe(false);
      expect(compare).toHaveBeenCalledTimes(2);
      for (const [, hash] of compare.mock.calls) expect(bcrypt.getRounds(hash as string)).toBe(4);
    } finally {
      compare.mockRestore();
    }
  });
});
