import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { type AccessTokenVerifier, type Principal, ROLES, type Role } from './principal.js';

export const TOKEN_ISSUER = 'tiffin';

/** The claims of an access token besides iss, iat and exp. */
interface AccessClaims {
  /** The account id, as a string (RFC 7519 subjects are strings). */
  sub: string;
  role: Role;
  /** The customer id of a customer account; null for other roles. */
  cid: number | null;
  jti: string;
}

export interface SignedAccessToken {
  token: string;
  expiresIn: number;
}

const isId = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;

/**
 * Access tokens: HS256 JWTs that carry the principal, checked without a database read. The key
 * comes from JwtModule (see auth.module.ts); signature, algorithm, issuer and expiry are checked.
 */
@Injectable()
export class AccessTokenService implements AccessTokenVerifier {
  private readonly ttlSeconds: number;

  constructor(
    private readonly jwt: JwtService,
    config: AppConfig,
  ) {
    this.ttlSeconds = config.auth.accessTtlSeconds;
  }

  sign(principal: { accountId: number; role: Role; customerId: number | null }): SignedAccessToken {
    const claims: AccessClaims = {
      sub: String(principal.accountId),
      role: principal.role,
      cid: principal.customerId,
      jti: randomUUID(),
    };
    const token = this.jwt.sign(claims, { algorithm: 'HS256', issuer: TOKEN_ISSUER, expiresIn: this.ttlSeconds });
    return { token, expiresIn: this.ttlSeconds };
  }

  /** The principal of a valid token; undefined for anything forged, malformed, expired or not ours. */
  verify(token: string): Principal | undefined {
    return this.verifyWithExpiry(token)?.principal;
  }

  verifyWithExpiry(token: string): { principal: Principal; expiresAt: number } | undefined {
    let claims: Record<string, unknown>;
    try {
      claims = this.jwt.verify(token, { algorithms: ['HS256'], issuer: TOKEN_ISSUER });
    } catch {
      return undefined;
    }
    const { sub, role, cid, exp } = claims;
    const accountId = typeof sub === 'string' && /^\d{1,10}$/.test(sub) ? Number(sub) : Number.NaN;
    if (!isId(accountId) || !ROLES.includes(role as Role) || typeof exp !== 'number') return undefined;
    // A customer acts for exactly one Customer, and no other role acts for one.
    if (role === 'customer' ? !isId(cid) : cid !== null) return undefined;
    const principal: Principal = { accountId, role: role as Role, customerId: role === 'customer' ? (cid as number) : null };
    return { principal, expiresAt: exp * 1000 };
  }
}
