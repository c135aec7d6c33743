import { recordingOutbox } from '../common/testing/recording-data-source.js';
import type { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash } from 'node:crypto';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import type { CustomersRepository } from '../customers/customers.repository.js';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import { loadConfig } from '../config/app-config.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { DomainEvent } from '../events/domain-events.js';
import type { RestaurantsService } from '../restaurants/restaurants.service.js';
import { AccessTokenService } from '../access/access-token.service.js';
import type { AccountsRepository, NewAccount } from './accounts.repository.js';
import { AuthService, BAD_CREDENTIALS, BAD_REFRESH_TOKEN } from './auth.service.js';
import type { Account } from './entities/account.entity.js';
import type { PasswordHasher } from './password-hasher.js';
import type { NewRefreshToken, RefreshTokensRepository, StoredRefreshToken } from './refresh-tokens.repository.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const config = loadConfig({ JWT_REFRESH_TTL_SECONDS: '3600' });
const CREATED_AT = new Date('2025-01-15T18:30:00.000Z');

/** Passwords "hash" to a marked copy (`old:` marks an outdated one); `check` records the hash it was given. */
class FakeHasher {
  verified: Array<string | undefined> = [];
  hashed: string[] = [];
  async hash(password: string) {
    this.hashed.push(password);
    return `hashed:${password}`;
  }
  async check(password: string, hash: string | undefined) {
    this.verified.push(hash);
    const valid = hash === `hashed:${password}` || hash === `old:${password}`;
    return valid && hash.startsWith('old:') ? { valid, rehashed: await this.hash(password) } : { valid };
  }
}

class FakeAccounts {
  rows: Account[] = [];
  nextError: Error | undefined;
  owners = new Map<number, number | null>();
  /** Emails of Customers without an account. */
  customerEmails: string[] = [];

  async insert(account: NewAccount) {
    const error = this.nextError;
    this.nextError = undefined;
    if (error) throw error;
    const row = { ...account, id: this.rows.length + 1, created_at: CREATED_AT };
    this.rows.push(row);
    return row;
  }
  async findByEmail(email: string) {
    return this.rows.find((row) => row.email === email) ?? null;
  }
  async emailInUse(email: string) {
    return (await this.accountHasEmail(email)) || this.customerEmails.includes(email);
  }
  async accountHasEmail(email: string) {
    return this.rows.some((row) => row.email === email);
  }
  async replacePasswordHash(id: number, previous: string, next: string) {
    const row = this.rows.find((candidate) => candidate.id === id && candidate.password_hash === previous);
    if (row) row.password_hash = next;
  }
  async findById(id: number) {
    return this.rows.find((row) => row.id === id) ?? null;
  }
  async setRestaurantOwner(restaurantId: number, accountId: number | null) {
    if (!this.owners.has(restaurantId)) return false;
    this.owners.set(restaurantId, accountId);
    return true;
  }
}

class FakeRefreshTokens {
  inserted: NewRefreshToken[] = [];
  rotations: Array<{ tokenHash: string; successorHash: string }> = [];
  rotateAnswer: number | null = null;
  stored: StoredRefreshToken | null = null;
  revokedFamilies: string[] = [];
  revokedOf: string[] = [];

  async insert(token: NewRefreshToken) {
    this.inserted.push(token);
  }
  async rotate(tokenHash: string, successor: { tokenHash: string }) {
    this.rotations.push({ tokenHash, successorHash: successor.tokenHash });
    return this.rotateAnswer;
  }
  async find() {
    return this.stored;
  }
  async revokeFamily(familyId: string) {
    this.revokedFamilies.push(familyId);
    return 1;
  }
  async revokeFamilyOf(tokenHash: string) {
    this.revokedOf.push(tokenHash);
  }
}

/** The customers table: each insert lands in `customers`, with the columns the database fills. */
function fakeCustomers(customers: object[]): CustomersRepository {
  return {
    insert: async (row: object) => {
      const saved = { is_active: true, ...row, id: customers.length + 1, created_at: CREATED_AT, updated_at: CREATED_AT };
      customers.push(saved);
      return saved;
    },
  } as unknown as CustomersRepository;
}

const fakeDataSource = { transaction: (work: (manager: object) => Promise<unknown>) => work({}) } as unknown as DataSource;

const uniqueViolation = (constraint: string) =>
  new QueryFailedError('query', [], Object.assign(new Error('duplicate'), { code: '23505', constraint }));

describe('AuthService', () => {
  let service: AuthService;
  let hasher: FakeHasher;
  let accounts: FakeAccounts;
  let refreshTokens: FakeRefreshTokens;
  let customers: object[];
  let events: DomainEvent[];
  let accessTokens: AccessTokenService;

  beforeEach(() => {
    hasher = new FakeHasher();
    accounts = new FakeAccounts();
    refreshTokens = new FakeRefreshTokens();
    customers = [];
    events = [];
    const bus = new DomainEventBus();
    bus.subscribe('customer.changed', (event) => void events.push(event));
    bus.subscribe('restaurant.changed', (event) => void events.push(event));
    accessTokens = new AccessTokenService(new JwtService({ secret: 'unit-test-signing-key-of-at-least-32-chars' }), config);
    const restaurants = { get: async (id: number) => ({ id, name: `Restaurant ${id}` }) } as unknown as RestaurantsService;
    service = new AuthService(
      fakeDataSource,
      accounts as unknown as AccountsRepository,
      refreshTokens as unknown as RefreshTokensRepository,
      fakeCustomers(customers),
      hasher as unknown as PasswordHasher,
      accessTokens,
      restaurants,
      bus,
      recordingOutbox([], {} as EntityManager) as unknown as InvalidationOutboxRepository,
      config,
    );
  });

  const registration = {
    name: 'Ada',
    email: 'ada@example.com',
    phone_number: '+1-555-0100',
    address: '1 Road',
    password: 'correct horse battery',
  };

  describe('register', () => {
    it('creates the customer and its account, stores the hash only, and publishes the customer after the transaction', async () => {
      const response = await service.register(registration);
      expect(response.account).toEqual({ id: 1, email: 'ada@example.com', role: 'customer', customer_id: 1 });
      expect(customers).toEqual([expect.objectContaining({ name: 'Ada', email: 'ada@example.com' })]);
      expect(customers[0]).not.toHaveProperty('password');
      expect(accounts.rows[0].password_hash).toBe('hashed:correct horse battery');
      expect(events).toEqual([expect.objectContaining({ type: 'customer.changed', customer_id: 1, kind: 'created' })]);
      expect(accessTokens.verify(response.access_token)).toEqual({ accountId: 1, role: 'customer', customerId: 1 });
      expect(refreshTokens.inserted).toEqual([
        { id: expect.any(String), accountId: 1, familyId: expect.any(String), tokenHash: sha256(response.refresh_token), ttlSeconds: 3600 },
      ]);
    });

    it.each(['uq_accounts_email_lower', 'uq_customers_email_lower'])(
      'turns a clash on %s into a 409 naming email, publishing nothing',
      async (index) => {
        accounts.nextError = uniqueViolation(index);
        const failure = service.register(registration);
        await expect(failure).rejects.toThrow(ConflictException);
        await expect(failure).rejects.toThrow(/^email: ada@example.com is already registered$/);
        expect(events).toEqual([]);
      },
    );

    it.each([
      ['an account', (fakes: FakeAccounts) => void fakes.rows.push({ id: 7, email: 'ada@example.com' } as Account)],
      ['a Customer without an account', (fakes: FakeAccounts) => void fakes.customerEmails.push('ada@example.com')],
    ])('refuses an email %s has with a 409 before hashing the password', async (_case, arrange) => {
      arrange(accounts);
      await expect(service.register(registration)).rejects.toThrow(/^email: ada@example.com is already registered$/);
      expect(hasher.hashed).toEqual([]);
      expect(customers).toEqual([]);
    });

    it('lets other database errors through', async () => {
      accounts.nextError = uniqueViolation('some_other_index');
      await expect(service.register(registration)).rejects.toThrow(QueryFailedError);
    });
  });

  describe('login', () => {
    it('answers an unknown email and a wrong password alike, comparing a password both times', async () => {
      await service.register(registration);
      const unknown = await service.login({ email: 'nobody@example.com', password: 'correct horse battery' }).catch((error) => error);
      const wrong = await service.login({ email: 'ada@example.com', password: 'wrong horse battery' }).catch((error) => error);
      for (const error of [unknown, wrong]) {
        expect(error).toBeInstanceOf(UnauthorizedException);
        expect(error.message).toBe(BAD_CREDENTIALS);
      }
      expect(hasher.verified).toEqual([undefined, 'hashed:correct horse battery']);
    });

    it('stores a new hash when the right password matched an outdated one, and only then', async () => {
      await service.register(registration);
      accounts.rows[0].password_hash = 'old:correct horse battery';
      await service.login({ email: 'ada@example.com', password: 'correct horse battery' });
      expect(accounts.rows[0].password_hash).toBe('hashed:correct horse battery');
      hasher.hashed.length = 0;
      await service.login({ email: 'ada@example.com', password: 'correct horse battery' });
      await service.login({ email: 'ada@example.com', password: 'wrong horse battery' }).catch(() => undefined);
      expect(hasher.hashed).toEqual([]);
    });

    it('signs in with the right password as a new family', async () => {
      await service.register(registration);
      const tokens = await service.login({ email: 'ada@example.com', password: 'correct horse battery' });
      expect(tokens.token_type).toBe('bearer');
      expect(new Set(refreshTokens.inserted.map((token) => token.familyId)).size).toBe(2);
    });
  });

  describe('refresh', () => {
    beforeEach(() => service.register(registration));

    it('rotates by the hash of the presented token and hands out the successor whose hash it stored', async () => {
      refreshTokens.rotateAnswer = 1;
      const tokens = await service.refresh('presented-token');
      expect(refreshTokens.rotations).toEqual([{ tokenHash: sha256('presented-token'), successorHash: sha256(tokens.refresh_token) }]);
      expect(accessTokens.verify(tokens.access_token)).toEqual({ accountId: 1, role: 'customer', customerId: 1 });
    });

    it.each([
      ['unknown', null],
      ['expired', { familyId: 'family-1', revoked: false, expired: true }],
    ])('refuses an %s token without revoking anything', async (_case, stored) => {
      refreshTokens.stored = stored;
      await expect(service.refresh('presented-token')).rejects.toThrow(BAD_REFRESH_TOKEN);
      expect(refreshTokens.revokedFamilies).toEqual([]);
    });

    it('revokes the family of a token presented again after it was used', async () => {
      refreshTokens.stored = { familyId: 'family-1', revoked: true, expired: false };
      await expect(service.refresh('presented-token')).rejects.toThrow(UnauthorizedException);
      expect(refreshTokens.revokedFamilies).toEqual(['family-1']);
    });
  });

  it('logout revokes the family of the token, by its hash', async () => {
    await service.logout('presented-token');
    expect(refreshTokens.revokedOf).toEqual([sha256('presented-token')]);
  });

  describe('assignOwner', () => {
    beforeEach(async () => {
      await service.register(registration);
      await service.createAccount({ email: 'owner@example.com', password: 'correct horse battery', role: 'restaurant_owner' });
      accounts.owners.set(5, null);
      events.length = 0;
    });

    it('sets the owner and publishes the restaurant as updated', async () => {
      expect(await service.assignOwner(5, 2)).toEqual({ id: 5, name: 'Restaurant 5' });
      expect(accounts.owners.get(5)).toBe(2);
      expect(events).toEqual([expect.objectContaining({ type: 'restaurant.changed', restaurant_id: 5, kind: 'updated' })]);
    });

    it.each([
      ['a customer account', 1],
      ['a missing account', 99],
    ])('refuses %s with a 400 naming account_id', async (_case, accountId) => {
      const error = await service.assignOwner(5, accountId).catch((failure) => failure);
      expect(error).toBeInstanceOf(ValidationFailedException);
      expect(error.fieldErrors).toEqual([{ field: 'account_id', rule: 'restaurant_owner', message: expect.any(String) }]);
      expect(accounts.owners.get(5)).toBeNull();
      expect(events).toEqual([]);
    });

    it('answers 404 for a missing restaurant and publishes nothing', async () => {
      await expect(service.assignOwner(6, null)).rejects.toThrow(NotFoundException);
      expect(events).toEqual([]);
    });
  });
});
