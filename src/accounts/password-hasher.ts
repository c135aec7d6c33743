import { Injectable } from '@nestjs/common';
import bcrypt from '@node-rs/bcrypt';
import { createHash, randomBytes } from 'node:crypto';
import { RetryLaterException } from '../common/errors/domain-errors.js';
import { AppConfig } from '../config/app-config.js';

/**
 * bcrypt reads only the first 72 bytes of its input, so passwords of up to 128 characters (up to
 * 512 bytes of UTF-8) are first reduced to their SHA-256, in base64 (44 bytes, no NUL bytes).
 */
const prehash = (password: string) => createHash('sha256').update(password, 'utf8').digest('base64');

/** The bcrypt variant new hashes are written in; hashes of other variants are rewritten on sign-in. */
const CURRENT_VERSION = '2b';

export interface PasswordCheck {
  valid: boolean;
  /** A hash of the same password at the current scheme and cost, when the stored one is older; only with `valid`. */
  rehashed?: string;
}

/** A task gave up waiting for a slot: it never ran. */
export class SlotWaitExceeded extends Error {
  constructor(readonly waitedMs: number) {
    super(`No slot became free within ${waitedMs} ms`);
  }
}

/**
 * At most `limit` tasks run at once; the others wait their turn in arrival order, for at most
 * `maxWaitMs`, after which they leave the queue without running ({@link SlotWaitExceeded}).
 * Hashes run on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise), which
 * file, DNS and crypto calls share: an unbounded burst of sign-ins would queue those behind
 * seconds of bcrypt, and would keep hashing for clients that stopped waiting long ago.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaitMs = Number.POSITIVE_INFINITY,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await this.slotFreed();
    else this.running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `running` stays at the limit while any wait.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private slotFreed(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = Number.isFinite(this.maxWaitMs)
        ? setTimeout(() => {
            this.waiting.splice(this.waiting.indexOf(waiter), 1);
            reject(new SlotWaitExceeded(this.maxWaitMs));
          }, this.maxWaitMs)
        : undefined;
      this.waiting.push(waiter);
    });
  }
}

/**
 * bcrypt through a native binding (@node-rs/bcrypt): hashing and comparing run on libuv's worker
 * threads, so a sign-in no longer holds the event loop for the whole bcrypt cost (about 250 ms at
 * cost 12). Reads hashes written by bcryptjs (the earlier implementation) unchanged.
 */
@Injectable()
export class PasswordHasher {
  private readonly rounds: number;
  private readonly slots: Semaphore;
  private dummyHash?: Promise<string>;

  constructor(config: AppConfig) {
    this.rounds = config.auth.bcryptRounds;
    this.slots = new Semaphore(config.auth.hashConcurrency, config.auth.hashMaxWaitMs);
  }

  hash(password: string): Promise<string> {
    return this.inSlot(() => bcrypt.hash(prehash(password), { cost: this.rounds, version: CURRENT_VERSION }));
  }

  /** False for a wrong password; `hash` undefined (no such account) costs the same time as a real check. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    if (hash !== undefined) return this.inSlot(() => bcrypt.verify(prehash(password), hash));
    this.dummyHash ??= this.hash(randomBytes(32).toString('base64')).catch((error: unknown) => {
      this.dummyHash = undefined; // a busy moment must not leave a failed promise here for good
      throw error;
    });
    const dummy = await this.dummyHash;
    await this.inSlot(() => bcrypt.verify(prehash(password), dummy));
    return false;
  }

  /** `verify`, and for a right password whose stored hash is of another variant or cost, its replacement. */
  async check(password: string, hash: string | undefined): Promise<PasswordCheck> {
    const valid = await this.verify(password, hash);
    if (!valid || hash === undefined || !this.isOutdated(hash)) return { valid };
    return { valid, rehashed: await this.hash(password) };
  }

  private async inSlot<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.slots.run(task);
    } catch (error) {
      if (error instanceof SlotWaitExceeded) {
        throw new RetryLaterException(`Too many sign-ins at once: none could be checked within ${error.waitedMs} ms; retry later`, 1);
      }
      throw error;
    }
  }

  /** Whether a stored hash was written with another bcrypt variant or cost than new hashes are. */
  isOutdated(hash: string): boolean {
    const { version, cost } = bcrypt.parseOptions(hash);
    return version !== CURRENT_VERSION || cost !== this.rounds;
  }
}
