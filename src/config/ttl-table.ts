/**
 * How long each class of data may be cached, in SECONDS: the one table, applied by the route
 * policies (`ttl`, and the other TTL of a conditional policy). Every class here is used by at
 * least one route (test/cache-catalogue.e2e-spec.ts checks it against the registered routes).
 * {@link resolveTtlTable} applies the environment's profile and overrides; the cache's TtlPolicy
 * converts the result to milliseconds.
 */
export const TTL_TABLE_SECONDS = {
  // Static data
  restaurants: 3600,
  menu_items: 3600,
  customer_profiles: 1800,
  // Dynamic data
  orders: 300,
  /** An order in progress (GET /orders/{id}): its status changes drop it before then. */
  order_status: 120,
  /** The tracking of a delivered or cancelled order. */
  delivery_tracking: 120,
  // Real-time data
  delivery_slots: 30,
  restaurant_availability: 60,
  dynamic_pricing: 120,
  /** The tracking of an order in progress, and the live orders board. */
  live_tracking: 30,
  // Analytics
  /** Cross-restaurant aggregates of the catalogue: popular cuisines, price ranges. */
  analytics: 900,
  restaurant_analytics: 1200,
  popular_items: 900,
  customer_preferences: 900,
  customer_insights: 21_600,
  revenue_analytics: 43_200,
  daily_revenue: 86_400,
  customer_behavior: 14_400,
  restaurant_performance: 14_400,
  // Other namespaces
  search: 300,
  reviews: 600,
  notifications: 120,
} as const;

export type TtlName = keyof typeof TTL_TABLE_SECONDS;

/**
 * Classes no route applied, removed from the table, with what replaced them where something did:
 * an override of one of them would otherwise be ignored without a word.
 */
export const RETIRED_TTL_NAMES: Record<string, TtlName | null> = {
  static: null,
  dynamic: null,
  realtime: 'live_tracking',
  restaurant_capacity: 'restaurant_availability',
  revenue_metrics: 'revenue_analytics',
  sessions: null,
};
export const TTL_NAMES = Object.keys(TTL_TABLE_SECONDS) as TtlName[];

export const TTL_PROFILES = ['development', 'staging', 'production'] as const;
export type TtlProfile = (typeof TTL_PROFILES)[number];

/**
 * The environment profiles: development keeps entries at most 5 minutes and staging at
 * most 15, so changes show up quickly; production uses the table as it is. Entries already
 * shorter than the cap (real-time data) keep their own TTL everywhere.
 */
export const PROFILE_CAP_SECONDS: Record<TtlProfile, number> = {
  development: 300,
  staging: 900,
  production: Number.POSITIVE_INFINITY,
};

export interface TtlTableEntry {
  name: TtlName;
  seconds: number;
  /** Where the value came from. */
  source: 'table' | 'profile' | 'override';
}

/** The TTL environment variable for a table entry, e.g. `menu_items` -> `CACHE_TTL_MENU_ITEMS`. */
export const ttlOverrideVariable = (name: TtlName) => `CACHE_TTL_${name.toUpperCase()}`;

export function resolveTtlTable(profile: TtlProfile, overrides: Partial<Record<TtlName, number>>): TtlTableEntry[] {
  return TTL_NAMES.map((name) => {
    const override = overrides[name];
    if (override !== undefined) return { name, seconds: override, source: 'override' as const };
    const base = TTL_TABLE_SECONDS[name];
    const capped = Math.min(base, PROFILE_CAP_SECONDS[profile]);
    return { name, seconds: capped, source: capped === base ? ('table' as const) : ('profile' as const) };
  });
}
