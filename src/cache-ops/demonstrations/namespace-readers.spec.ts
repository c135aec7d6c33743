import { describe, expect, it } from '@jest/globals';
import { CachePolicies } from '../../cache/cache-policies.js';
import { decideAccess } from './namespace-readers.js';

const decide = (namespace: string, policies: object[], customerActive = true) =>
  decideAccess({ namespace, owner: 'customer:5', customerActive, policies: policies as never });

describe('cache access rules', () => {
  it('lets a customer read shared entries and their own session entries where both live', () => {
    const decision = decide('customers', [CachePolicies.customerList, CachePolicies.customer]);
    expect(decision).toMatchObject({ allowed: true, scope: 'shared-and-own' });
    expect(decision.rule).toContain('customer:5');
  });

  it('limits a namespace of session entries only, and the sessions namespace, to the own entries', () => {
    expect(decide('reviews', [CachePolicies.customerReviews])).toMatchObject({ allowed: true, scope: 'own' });
    expect(decide('sessions', [])).toMatchObject({ allowed: true, scope: 'own' });
  });

  it('lets anyone read shared-only namespaces', () => {
    expect(decide('search', [CachePolicies.restaurantSearch])).toMatchObject({ allowed: true, scope: 'shared' });
  });

  it('keeps namespaces no route serves for admins, and inactive customers out of everything', () => {
    expect(decide('deliveries', [])).toMatchObject({ allowed: false, scope: 'none' });
    expect(decide('search', [CachePolicies.restaurantSearch], false)).toMatchObject({ allowed: false, scope: 'none' });
  });
});
