/**
 * The API document's tags, in the order a reader looks for them: signing in, then the domain
 * (what a client of the API works with), then analytics, then operating the service. Every
 * controller names its tag from here, so a tag is spelled one way and always has a description.
 */
export const API_TAGS = [
  { name: 'Auth', description: 'Sign up, sign in, refresh and sign out; who you are; accounts an admin creates.' },
  { name: 'Restaurants', description: 'Restaurants, their menus and search.' },
  { name: 'Menu items', description: 'Menu items across restaurants: search, dietary and category lists, changes.' },
  { name: 'Customers', description: 'Customers, their order history, reviews and analytics.' },
  { name: 'Orders', description: 'Placing orders, their status workflow and order lists.' },
  { name: 'Reviews', description: 'Reviews of delivered orders and the ratings they make.' },
  { name: 'Real-time', description: 'Delivery slots, availability, pricing, order tracking, notifications and live events.' },
  { name: 'Analytics', description: 'Platform figures: revenue, customer behaviour, restaurant performance, trending items.' },
  { name: 'Restaurant analytics', description: 'Cuisines, price ranges and one restaurant’s figures.' },
  { name: 'Demo', description: 'The sample data set, the guided tour and cache performance demonstrations.' },
  { name: 'Cache management', description: 'Inspecting, clearing and warming the two-tier cache.' },
  { name: 'Enterprise caching', description: 'Cache patterns shown on live data, invalidation, predictive warming and key checks.' },
  { name: 'Jobs', description: 'Background jobs: their schedule, last runs and running one now.' },
  { name: 'Alerts', description: 'Alerts raised from the service’s own signals, acknowledged and resolved.' },
  { name: 'Health', description: 'Liveness, readiness and Prometheus metrics.' },
  { name: 'Operations', description: 'The live operations stream behind the /ops page.' },
] as const;

export type ApiTagName = (typeof API_TAGS)[number]['name'];

/** A tag by its name, checked against {@link API_TAGS} at compile time. */
export const tag = (name: ApiTagName): ApiTagName => name;
