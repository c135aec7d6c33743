export const ROLES = ['customer', 'restaurant_owner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who a request acts for, from its bearer token. `accountId` is null for the operations token
 * (ADMIN_TOKEN), which acts as an admin without an account; `customerId` is set for customers only.
 */
export interface Principal {
  accountId: number | null;
  role: Role;
  customerId: number | null;
}

/** Checks an access token (signature, issuer, expiry) without a database read. */
export interface AccessTokenVerifier {
  verify(token: string): Principal | undefined;
  /** {@link verify}, with when the token expires (ms since the epoch): long-lived answers (streams) end then. */
  verifyWithExpiry(token: string): { principal: Principal; expiresAt: number } | undefined;
}

export const ACCESS_TOKEN_VERIFIER = Symbol('tiffin:access-token-verifier');

/**
 * Whose session-cache entries a principal reads and fills. A customer's is `customer:{id}`, the
 * owner session policies name for that customer's own data, so write-through reaches them too.
 */
export function sessionOwnerOf(principal: Principal): string {
  if (principal.role === 'customer' && principal.customerId !== null) return `customer:${principal.customerId}`;
  return principal.accountId === null ? 'operations' : `account:${principal.accountId}`;
}
