import { ConflictException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { isUniqueViolation } from '../common/errors/postgres-errors.js';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import { CustomersRepository } from '../customers/customers.repository.js';
import { EMAIL_UNIQUE_INDEX } from '../customers/customers.service.js';
import { toCustomerResponse } from '../customers/dto/customer.dto.js';
import { AppConfig } from '../config/app-config.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import { CustomerChanged, RestaurantChanged } from '../events/domain-events.js';
import type { RestaurantResponse } from '../restaurants/dto/restaurant.dto.js';
import { RestaurantsService } from '../restaurants/restaurants.service.js';
import { AccessTokenService } from '../access/access-token.service.js';
import { ACCOUNT_EMAIL_INDEX, AccountsRepository } from './accounts.repository.js';
import { type AccountResponse, type CreateAccountDto, type RegisterDto, toAccountResponse } from './dto/account.dto.js';
import type { LoginDto, RegisterResponse, TokenResponse } from './dto/token.dto.js';
import type { Account } from './entities/account.entity.js';
import { PasswordHasher } from './password-hasher.js';
import type { Principal } from '../access/principal.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

/** One answer for an unknown email and a wrong password, so the answer does not tell which. */
export const BAD_CREDENTIALS = 'Invalid email or password';
export const BAD_REFRESH_TOKEN = 'The refresh token is invalid, expired or revoked: sign in again';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly refreshTtlSeconds: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly customers: CustomersRepository,
    private readonly passwords: PasswordHasher,
    private readonly accessTokens: AccessTokenService,
    private readonly restaurants: RestaurantsService,
    private readonly events: DomainEventBus,
    private readonly outbox: InvalidationOutboxRepository,
    config: AppConfig,
  ) {
    this.refreshTtlSeconds = config.auth.refreshTtlSeconds;
  }

  /**
   * The Customer, its account and the first tokens in one transaction: a failure leaves none of them.
   * A taken email is refused before the password is hashed, so repeating a known email costs no
   * bcrypt; two registrations racing for one email still meet the unique indexes.
   */
  async register(dto: RegisterDto): Promise<RegisterResponse> {
    const { password, ...fields } = dto;
    if (await this.accounts.emailInUse(dto.email)) throw emailTaken(dto.email);
    const passwordHash = await this.passwords.hash(password);
    const { recorded, account, tokens } = await this.uniqueEmail(dto.email, () =>
      this.dataSource.transaction(async (manager) => {
        const customer = await this.customers.insert(fields, manager);
        const account = await this.accounts.insert(
          { email: customer.email, password_hash: passwordHash, role: 'customer', customer_id: customer.id },
          manager,
        );
        // The customer's cache invalidation outbox row, in the same transaction.
        const recorded = await this.outbox.record(manager, [new CustomerChanged(customer.id, 'created', toCustomerResponse(customer))]);
        return { recorded, account, tokens: await this.issueTokens(account, manager) };
      }),
    );
    await this.events.publish(...recorded);
    return { account: toAccountResponse(account), ...tokens };
  }

  /** A right password whose hash is of an older bcrypt variant or cost is stored again at the current one. */
  async login(dto: LoginDto): Promise<TokenResponse> {
    const account = await this.accounts.findByEmail(dto.email);
    const check = await this.passwords.check(dto.password, account?.password_hash);
    if (!account || !check.valid) throw new UnauthorizedException(BAD_CREDENTIALS);
    if (check.rehashed !== undefined) {
      // The sign-in succeeds either way: the old hash still verifies and is replaced next time.
      await this.accounts.replacePasswordHash(account.id, account.password_hash, check.rehashed).catch((error: Error) => {
        this.logger.warn(`Could not store the new password hash of account ${account.id}: ${error.message}`);
      });
    }
    return this.issueTokens(account);
  }

  /**
   * Trades a live refresh token for a new pair. A token that was already rotated or revoked is a
   * replay (a stolen copy, or the legitimate client after the thief): its whole family is revoked,
   * so both parties have to sign in again.
   */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    const tokenHash = hashToken(refreshToken);
    const successor = { id: randomUUID(), token: newRefreshToken() };
    const accountId = await this.refreshTokens.rotate(tokenHash, {
      id: successor.id,
      tokenHash: hashToken(successor.token),
      ttlSeconds: this.refreshTtlSeconds,
    });
    if (accountId === null) {
      const stored = await this.refreshTokens.find(tokenHash);
      if (stored?.revoked) {
        const revoked = await this.refreshTokens.revokeFamily(stored.familyId);
        this.logger.warn(`A used refresh token was presented again: revoked its family ${stored.familyId} (${revoked} live tokens)`);
      }
      throw new UnauthorizedException(BAD_REFRESH_TOKEN);
    }
    const account = await this.accounts.findById(accountId);
    if (!account) throw new UnauthorizedException(BAD_REFRESH_TOKEN);
    return this.tokenResponse(account, successor.token);
  }

  /** Ends the sign-in the token belongs to; unknown and already revoked tokens are accepted silently. */
  async logout(refreshToken: string): Promise<void> {
    await this.refreshTokens.revokeFamilyOf(hashToken(refreshToken));
  }

  async me(principal: Principal | undefined): Promise<AccountResponse> {
    if (!principal) throw new UnauthorizedException('This route needs a bearer token (Authorization: Bearer <access token>)');
    if (principal.accountId === null) {
      throw new ResourceNotFoundException('Account', 'of the operations token (ADMIN_TOKEN)');
    }
    const account = await this.accounts.findById(principal.accountId);
    if (!account) throw new UnauthorizedException('The account of this token no longer exists');
    return toAccountResponse(account);
  }

  async createAccount(dto: CreateAccountDto): Promise<AccountResponse> {
    // Staff accounts have no Customer: only another account makes the email taken.
    if (await this.accounts.accountHasEmail(dto.email)) throw emailTaken(dto.email);
    const passwordHash = await this.passwords.hash(dto.password);
    const account = await this.uniqueEmail(dto.email, () =>
      this.accounts.insert({ email: dto.email, password_hash: passwordHash, role: dto.role, customer_id: null }),
    );
    return toAccountResponse(account);
  }

  /** The restaurant as GET /restaurants/{id} shows it; its cached copies are replaced through the usual event. */
  async assignOwner(restaurantId: number, accountId: number | null): Promise<RestaurantResponse> {
    if (accountId !== null) {
      const account = await this.accounts.findById(accountId);
      if (account?.role !== 'restaurant_owner') {
        throw ValidationFailedException.single(
          'account_id',
          'restaurant_owner',
          account
            ? `account_id ${accountId} is a ${account.role} account, not a restaurant_owner`
            : `account_id ${accountId} does not exist`,
        );
      }
    }
    const { restaurant, recorded } = await this.dataSource.transaction(async (manager) => {
      if (!(await this.accounts.setRestaurantOwner(restaurantId, accountId, manager))) {
        throw new ResourceNotFoundException('Restaurant', restaurantId);
      }
      const restaurant = await this.restaurants.get(restaurantId, manager);
      return { restaurant, recorded: await this.outbox.record(manager, [new RestaurantChanged(restaurantId, 'updated', restaurant)]) };
    });
    await this.events.publish(...recorded);
    return restaurant;
  }

  /** An access token and the first refresh token of a new family (a new sign-in). */
  private async issueTokens(account: Account, manager?: EntityManager): Promise<TokenResponse> {
    const refreshToken = newRefreshToken();
    await this.refreshTokens.insert(
      {
        id: randomUUID(),
        accountId: account.id,
        familyId: randomUUID(),
        tokenHash: hashToken(refreshToken),
        ttlSeconds: this.refreshTtlSeconds,
      },
      manager,
    );
    return this.tokenResponse(account, refreshToken);
  }

  private tokenResponse(account: Account, refreshToken: string): TokenResponse {
    const access = this.accessTokens.sign({ accountId: account.id, role: account.role, customerId: account.customer_id });
    return { access_token: access.token, refresh_token: refreshToken, token_type: 'bearer', expires_in: access.expiresIn };
  }

  /** The customer or the account may hold the email already; either way the email is taken. */
  private async uniqueEmail<T>(email: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, ACCOUNT_EMAIL_INDEX) || isUniqueViolation(error, EMAIL_UNIQUE_INDEX)) {
        throw emailTaken(email);
      }
      throw error;
    }
  }
}

const emailTaken = (email: string) => new ConflictException(`email: ${email} is already registered`);

/** 32 random bytes, base64url: opaque to the client, stored only as its SHA-256. */
function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}
