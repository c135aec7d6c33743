import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { isInternalTokenDigest, tokenDigest } from '../common/http/internal-caller.js';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier, type Principal } from './principal.js';

/** ADMIN_TOKEN acts as an admin without an account (automation, operations scripts). */
const OPERATIONS_PRINCIPAL: Principal = Object.freeze({ accountId: null, role: 'admin', customerId: null });
const NO_CREDENTIALS: Credentials = Object.freeze({ kind: 'none' });

export type Credentials =
  | { kind: 'none' }
  /**
   * `internal`: the app calling itself (see common/http/internal-caller.ts). `expiresAt`: when the access token
   * expires (ms since the epoch); absent for ADMIN_TOKEN and the app itself.
   */
  | { kind: 'valid'; principal: Principal; internal: boolean; expiresAt?: number }
  | { kind: 'invalid' };

/**
 * Reads the caller from `Authorization: Bearer <token>`: ADMIN_TOKEN (compared in constant time
 * over digests, so neither content nor length leaks) or an access token from /auth/login.
 */
@Injectable()
export class PrincipalResolver {
  private readonly operationsToken?: Buffer;
  private readonly read = new WeakMap<FastifyRequest, Credentials>();

  constructor(
    config: AppConfig,
    @Inject(ACCESS_TOKEN_VERIFIER) private readonly tokens: AccessTokenVerifier,
  ) {
    this.operationsToken = config.adminToken ? tokenDigest(config.adminToken) : undefined;
  }

  /**
   * Read once per request: the rate limit and the access guard both ask. A request without a
   * token (most reads) has nothing to verify, so nothing is remembered for it.
   */
  credentials(request: FastifyRequest): Credentials {
    const header = request.headers.authorization;
    if (!header) return NO_CREDENTIALS;
    let credentials = this.read.get(request);
    if (!credentials) {
      credentials = this.fromHeader(header);
      this.read.set(request, credentials);
    }
    return credentials;
  }

  private fromHeader(header: string): Credentials {
    const [scheme, token, ...rest] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || rest.length > 0) return { kind: 'invalid' };
    const presented = tokenDigest(token);
    if (isInternalTokenDigest(presented)) return { kind: 'valid', principal: OPERATIONS_PRINCIPAL, internal: true };
    if (this.operationsToken && timingSafeEqual(presented, this.operationsToken)) {
      return { kind: 'valid', principal: OPERATIONS_PRINCIPAL, internal: false };
    }
    const verified = this.tokens.verifyWithExpiry(token);
    return verified
      ? { kind: 'valid', principal: verified.principal, internal: false, expiresAt: verified.expiresAt }
      : { kind: 'invalid' };
  }

  /** The caller of a route that needs one: 401 when the credentials are missing or not valid. */
  require(request: FastifyRequest): Principal {
    const credentials = this.credentials(request);
    if (credentials.kind === 'valid') return credentials.principal;
    throw new UnauthorizedException(
      credentials.kind === 'none'
        ? 'This route needs a bearer token (Authorization: Bearer <access token>)'
        : 'The bearer token is invalid or has expired',
    );
  }
}
