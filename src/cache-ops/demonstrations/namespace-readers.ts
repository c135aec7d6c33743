import type { CachePolicy } from '../../cache/cache-policy.js';

export type AccessScope = 'shared' | 'shared-and-own' | 'own' | 'none';

export interface AccessDecision {
  allowed: boolean;
  scope: AccessScope;
  rule: string;
}

/** The namespace seed 001 reserves for per-user session data. */
export const SESSIONS_NAMESPACE = 'sessions';

/**
 * Who may read a namespace's entries: shared entries (policies without an owner) anyone the
 * routes serve; session entries only the customer they are stamped with (the cache serves an
 * owned entry to its owner only); a namespace no route serves to clients only admins, through
 * the admin endpoints. An inactive customer has no session.
 */
export function decideAccess(input: {
  namespace: string;
  owner: string;
  customerActive: boolean;
  policies: CachePolicy[];
}): AccessDecision {
  const session = input.policies.filter((policy) => policy.owner !== undefined).map((policy) => policy.name);
  const shared = input.policies.filter((policy) => policy.owner === undefined).map((policy) => policy.name);
  if (!input.customerActive) {
    return { allowed: false, scope: 'none', rule: 'The customer is inactive: inactive customers have no session and read no session entries' };
  }
  if (session.length > 0 && shared.length > 0) {
    return {
      allowed: true,
      scope: 'shared-and-own',
      rule: `Shared entries (${shared.join(', ')}) are served to anyone; session entries (${session.join(', ')}) only to their owner, here ${input.owner}`,
    };
  }
  if (session.length > 0 || input.namespace === SESSIONS_NAMESPACE) {
    return {
      allowed: true,
      scope: 'own',
      rule: `Every entry here is a session entry: only those stamped ${input.owner} are served to this customer`,
    };
  }
  if (shared.length > 0) {
    return { allowed: true, scope: 'shared', rule: `Entries here (${shared.join(', ')}) are shared public representations` };
  }
  return {
    allowed: false,
    scope: 'none',
    rule: 'No route serves this namespace to clients: it is an admin namespace, read only through the admin endpoints with the admin token',
  };
}
