import type { OrderStatus } from '../orders/entities/order-status.js';
import type { AppConfig } from '../config/app-config.js';
import type { Role } from './principal.js';

/** Where a route names the resource a grant is about: a path parameter or a query parameter. */
export type IdSource = { in: 'param' | 'query'; name: string };

/**
 * Who besides an admin may call a route. Admins may call every route; a route with no grant is
 * admin-only, so a new route is closed until someone opens it on purpose.
 */
export type Grant =
  | { kind: 'public' }
  /** Public while the configuration says so (e.g. METRICS_PUBLIC), else admin-only. */
  | { kind: 'public-if'; when: (config: AppConfig) => boolean; setting: string }
  | { kind: 'signed-in' }
  | { kind: 'role'; role: Role }
  /** The customer the route is about (`me` in the path stands for the caller's own id). */
  | { kind: 'customer-self'; id: IdSource }
  /** The owner of the restaurant the route is about. */
  | { kind: 'restaurant-owner'; id: IdSource }
  /** The owner of the restaurant a menu item belongs to. */
  | { kind: 'menu-item-owner'; id: IdSource }
  /** The order's customer and/or the owner of its restaurant. */
  | { kind: 'order-party'; id: IdSource; customer: boolean; owner: boolean }
  /**
   * A status change of an order by one of its parties, limited to the statuses their role may
   * set (the target status is read from the body field `statusField`).
   */
  | { kind: 'order-status-change'; id: IdSource; statusField: string; settableBy: Partial<Record<Role, readonly OrderStatus[]>> };

const param = (name: string): IdSource => ({ in: 'param', name });
const query = (name: string): IdSource => ({ in: 'query', name });

export const Anyone: Grant = { kind: 'public' };
export const SignedIn: Grant = { kind: 'signed-in' };

export const Grants = {
  publicIf: (setting: string, when: (config: AppConfig) => boolean): Grant => ({ kind: 'public-if', when, setting }),
  role: (role: Role): Grant => ({ kind: 'role', role }),
  customerSelf: (name = 'id'): Grant => ({ kind: 'customer-self', id: param(name) }),
  restaurantOwner: (name = 'id'): Grant => ({ kind: 'restaurant-owner', id: param(name) }),
  restaurantOwnerByQuery: (name: string): Grant => ({ kind: 'restaurant-owner', id: query(name) }),
  menuItemOwner: (name = 'id'): Grant => ({ kind: 'menu-item-owner', id: param(name) }),
  orderParty: (name = 'id', parties: { customer: boolean; owner: boolean } = { customer: true, owner: true }): Grant => ({
    kind: 'order-party',
    id: param(name),
    ...parties,
  }),
  orderStatusChange: (
    name: string,
    statusField: string,
    settableBy: Partial<Record<Role, readonly OrderStatus[]>>,
  ): Grant => ({ kind: 'order-status-change', id: param(name), statusField, settableBy }),
};

/** How a grant reads in the API document and in 403 messages. */
export function describeGrant(grant: Grant): string {
  switch (grant.kind) {
    case 'public':
      return 'anyone';
    case 'public-if':
      return `anyone while ${grant.setting}`;
    case 'signed-in':
      return 'any signed-in account';
    case 'role':
      return `any ${grant.role}`;
    case 'customer-self':
      return `the customer whose id is the ${grant.id.in} \`${grant.id.name}\``;
    case 'restaurant-owner':
      return `the owner of the restaurant in the ${grant.id.in} \`${grant.id.name}\``;
    case 'menu-item-owner':
      return `the owner of the menu item's restaurant`;
    case 'order-party':
      return [grant.customer && "the order's customer", grant.owner && "the owner of the order's restaurant"]
        .filter(Boolean)
        .join(' or ');
    case 'order-status-change':
      return Object.entries(grant.settableBy)
        .map(([role, statuses]) => `${role === 'customer' ? "the order's customer" : "the owner of the order's restaurant"} (to ${statuses!.join(', ')})`)
        .join(' or ');
  }
}
