import type { KeySelection } from './cache-store-admin.js';
import { CACHE_NAMESPACES, isCacheNamespace } from '../../cache/cache-namespaces.js';
import { CachePolicies } from '../../cache/cache-policies.js';
import type { CachePolicy } from '../../cache/cache-policy.js';

/** The entries of one route's policy: keys `{name}:...` in its namespace (policies without an owner). */
const entriesOf = (policy: CachePolicy): KeySelection => ({ namespace: policy.namespace, keyPrefix: `${policy.name}:` });

/**
 * Targets of DELETE /cache/clear/{target} beyond plain namespaces: seed 002's restaurant-menus,
 * the entries of the with-menu and menu routes (keys `restaurant-with-menu:` in restaurants and
 * `restaurant-menu:` in menu-items).
 */
const COMPOSITE_TARGETS: Record<string, KeySelection[]> = {
  'restaurant-menus': [entriesOf(CachePolicies.restaurantWithMenu), entriesOf(CachePolicies.restaurantMenu)],
};

export const CLEAR_TARGETS = [...CACHE_NAMESPACES, ...Object.keys(COMPOSITE_TARGETS)];

/** The selections a clear target stands for; undefined for an unknown target. */
export function resolveClearTarget(target: string): KeySelection[] | undefined {
  if (Object.hasOwn(COMPOSITE_TARGETS, target)) return COMPOSITE_TARGETS[target];
  return isCacheNamespace(target) ? [{ namespace: target }] : undefined;
}
