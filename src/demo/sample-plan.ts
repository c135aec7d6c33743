import { OrderStatus } from '../domain/order-status.js';
import {
  REVIEW_COMMENTS,
  SAMPLE_CUSTOMERS,
  SAMPLE_RESTAURANTS,
  type SampleCustomer,
  type SampleMenuItem,
  type SampleRestaurant,
  SPECIAL_INSTRUCTIONS,
  SPECIAL_REQUESTS,
} from './sample-catalogue.js';
import { SeededRandom } from './seeded-random.js';

/** The fixed seed: every call of POST /demo/sample-data builds this same data set. */
export const SAMPLE_DATA_SEED = 20_240_115;

/** How many sample orders end in each status. */
export const SAMPLE_ORDERS_BY_STATUS: Readonly<Record<OrderStatus, number>> = {
  [OrderStatus.Placed]: 3,
  [OrderStatus.Confirmed]: 3,
  [OrderStatus.Preparing]: 3,
  [OrderStatus.OutForDelivery]: 3,
  [OrderStatus.Delivered]: 60,
  [OrderStatus.Cancelled]: 8,
};

/** Finished orders (delivered, cancelled) are spread over this many days before the creation. */
export const SAMPLE_HISTORY_DAYS = 30;

const MINUTES_PER_DAY = 24 * 60;
/** A finished order was placed at least this long ago, so its delivery lies in the past. */
const MIN_FINISHED_AGE_MINUTES = 90;
const DELIVERY_MINUTES = { min: 25, max: 70 } as const;
const REVIEW_PROBABILITY = 0.6;
const COMMENT_PROBABILITY = 0.8;
const INSTRUCTIONS_PROBABILITY = 0.3;
const SPECIAL_REQUEST_PROBABILITY = 0.15;
/** Customers order from their favourite restaurants this many times more often. */
const FAVOURITE_WEIGHT = 4;

/** In-progress orders are recent: placed this many minutes before the creation. */
const IN_PROGRESS_AGE_MINUTES: Partial<Record<OrderStatus, readonly [number, number]>> = {
  [OrderStatus.Placed]: [1, 8],
  [OrderStatus.Confirmed]: [5, 15],
  [OrderStatus.Preparing]: [10, 30],
  [OrderStatus.OutForDelivery]: [25, 50],
};

const WORKFLOW = [OrderStatus.Placed, OrderStatus.Confirmed, OrderStatus.Preparing, OrderStatus.OutForDelivery, OrderStatus.Delivered];
const CANCELLABLE = [OrderStatus.Placed, OrderStatus.Confirmed, OrderStatus.Preparing];

export interface PlannedLine {
  /** Index into the restaurant's menu. */
  menu_index: number;
  quantity: number;
  special_requests: string | null;
}

export interface PlannedReview {
  rating: number;
  comment: string | null;
}

export interface PlannedOrder {
  customer_index: number;
  restaurant_index: number;
  lines: PlannedLine[];
  special_instructions: string | null;
  /** order_date is the creation time minus this many minutes. */
  minutes_ago: number;
  /** The statuses the order moves through after placed, in order; empty when it stays placed. */
  transitions: OrderStatus[];
  /** Delivered orders only: delivery_time is order_date plus this many minutes. */
  delivery_minutes: number | null;
  review: PlannedReview | null;
}

export interface SamplePlan {
  restaurants: readonly SampleRestaurant[];
  customers: readonly SampleCustomer[];
  /** Oldest first, so order ids grow with order dates. */
  orders: PlannedOrder[];
}

/** The status the planned order is left in: the last of its transitions. */
export function lastStatus(order: Pick<PlannedOrder, 'transitions'>): OrderStatus {
  return order.transitions.at(-1) ?? OrderStatus.Placed;
}

/** The whole sample data set: the same seed always gives the same plan. */
export function buildSamplePlan(seed: number = SAMPLE_DATA_SEED): SamplePlan {
  const random = new SeededRandom(seed);
  const restaurants = SAMPLE_RESTAURANTS;
  const customers = SAMPLE_CUSTOMERS;
  const activeCustomers = customers.flatMap((customer, index) => (customer.is_active ? [index] : []));
  const appetite = customers.map(() => random.int(1, 5));
  const favourites = customers.map(() => random.shuffle(restaurants.map((_, index) => index)).slice(0, 2));

  const statuses = random.shuffle(
    (Object.entries(SAMPLE_ORDERS_BY_STATUS) as [OrderStatus, number][]).flatMap(([status, count]) =>
      Array.from({ length: count }, () => status),
    ),
  );
  const finishedCount = statuses.filter((status) => !IN_PROGRESS_AGE_MINUTES[status]).length;
  const historyDays = random.shuffle(Array.from({ length: finishedCount }, (_, index) => index % SAMPLE_HISTORY_DAYS));

  const orders = statuses.map((status): PlannedOrder => {
    const customer_index = activeCustomers[random.weightedIndex(activeCustomers.map((index) => appetite[index]))];
    const restaurant_index = random.weightedIndex(
      restaurants.map((restaurant, index) => restaurant.popularity * (favourites[customer_index].includes(index) ? FAVOURITE_WEIGHT : 1)),
    );
    const restaurant = restaurants[restaurant_index];
    const lines = planLines(random, restaurant.menu);
    const special_instructions = random.chance(INSTRUCTIONS_PROBABILITY) ? random.pick(SPECIAL_INSTRUCTIONS) : null;
    const inProgressAge = IN_PROGRESS_AGE_MINUTES[status];
    const minutes_ago = inProgressAge
      ? random.int(inProgressAge[0], inProgressAge[1])
      : historyDays.pop()! * MINUTES_PER_DAY + random.int(MIN_FINISHED_AGE_MINUTES, MINUTES_PER_DAY - 1);
    const delivered = status === OrderStatus.Delivered;
    return {
      customer_index,
      restaurant_index,
      lines,
      special_instructions,
      minutes_ago,
      transitions: transitionsTo(status, random),
      delivery_minutes: delivered ? random.int(DELIVERY_MINUTES.min, DELIVERY_MINUTES.max) : null,
      review: delivered && random.chance(REVIEW_PROBABILITY) ? planReview(random, restaurant.quality) : null,
    };
  });
  orders.sort((a, b) => b.minutes_ago - a.minutes_ago);
  return { restaurants, customers, orders };
}

/** The path through the workflow; a cancelled order is cancelled at a random step before it left the kitchen. */
function transitionsTo(status: OrderStatus, random: SeededRandom): OrderStatus[] {
  if (status === OrderStatus.Cancelled) {
    const cancelledAt = random.pick(CANCELLABLE);
    return [...WORKFLOW.slice(1, WORKFLOW.indexOf(cancelledAt) + 1), OrderStatus.Cancelled];
  }
  return WORKFLOW.slice(1, WORKFLOW.indexOf(status) + 1);
}

/** One to four different available dishes, starting with a main course. */
function planLines(random: SeededRandom, menu: readonly SampleMenuItem[]): PlannedLine[] {
  const available = menu.flatMap((item, index) => (item.is_available ? [index] : []));
  const mains = available.filter((index) => menu[index].category === 'Main Course');
  const first = random.pick(mains.length > 0 ? mains : available);
  const lineCount = 1 + random.weightedIndex([30, 40, 20, 10]);
  const chosen = [first, ...random.shuffle(available.filter((index) => index !== first)).slice(0, lineCount - 1)];
  return chosen.map((menu_index) => {
    const drink = menu[menu_index].category === 'Drinks';
    return {
      menu_index,
      quantity: drink ? random.int(1, 3) : random.chance(0.2) ? 2 : 1,
      special_requests: !drink && random.chance(SPECIAL_REQUEST_PROBABILITY) ? random.pick(SPECIAL_REQUESTS) : null,
    };
  });
}

/** Stars around the restaurant's usual quality, with a bell-shaped spread. */
function planReview(random: SeededRandom, quality: number): PlannedReview {
  const noise = (random.next() + random.next() + random.next() - 1.5) * 1.6;
  const rating = Math.min(5, Math.max(1, Math.round(quality + noise)));
  return { rating, comment: random.chance(COMMENT_PROBABILITY) ? random.pick(REVIEW_COMMENTS[rating]) : null };
}
