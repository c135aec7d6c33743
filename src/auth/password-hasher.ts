import { Injectable } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { createHash, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';

/**
 * bcrypt reads only the first 72 bytes of its input, so passwords of up to 128 characters (up to
 * 512 bytes of UTF-8) are first reduced to their SHA-256, in base64 (44 bytes, no NUL bytes).
 */
const prehash = (password: string) => createHash('sha256').update(password, 'utf8').digest('base64');

@Injectable()
export class PasswordHasher {
  private readonly rounds: number;
  private dummyHash?: Promise<string>;

  constructor(config: AppConfig) {
    this.rounds = config.auth.bcryptRounds;
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(prehash(password), this.rounds);
  }

  /** False for a wrong password; `hash` undefined (no such account) costs the same time as a real check. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    if (hash !== undefined) return bcrypt.compare(prehash(password), hash);
    this.dummyHash ??= this.hash(randomBytes(32).toString('base64'));
    await bcrypt.compare(prehash(password), await this.dummyHash);
    return false;
  }
}
