import { InitialSchema1763776800000 } from './1763776800000-InitialSchema.js';
import { OperationsAndHistory1763780400000 } from './1763780400000-OperationsAndHistory.js';
import { Accounts1763784000000 } from './1763784000000-Accounts.js';
import { ReadPathIndexes1763787600000 } from './1763787600000-ReadPathIndexes.js';
import { MenuItemSearchIndexes1764500000000 } from './1764500000000-MenuItemSearchIndexes.js';
import { IdempotencyKeys1764600000000 } from './1764600000000-IdempotencyKeys.js';
import { AnalyticsRefreshFailedKeys1764800000000 } from './1764800000000-AnalyticsRefreshFailedKeys.js';
import { WriteFunctions1764900000000 } from './1764900000000-WriteFunctions.js';
import { CacheInvalidationOutbox1765000000000 } from './1765000000000-CacheInvalidationOutbox.js';
import { IdempotentWriteCommit1765100000000 } from './1765100000000-IdempotentWriteCommit.js';
import { OutboxOnlyWithCache1765200000000 } from './1765200000000-OutboxOnlyWithCache.js';
import { OrderDetailsPlanCached1765300000000 } from './1765300000000-OrderDetailsPlanCached.js';
import { RestaurantReviewTotals1765400000000 } from './1765400000000-RestaurantReviewTotals.js';
import { OrdersCustomerStatusIndex1765500000000 } from './1765500000000-OrdersCustomerStatusIndex.js';
import { ReviewRatingChange1765600000000 } from './1765600000000-ReviewRatingChange.js';
import { ReviewRatingUnmoved1765700000000 } from './1765700000000-ReviewRatingUnmoved.js';
import { OrderStatusOutsideIndexes1765800000000 } from './1765800000000-OrderStatusOutsideIndexes.js';

/** Applied in this order at start-up; `npm run migration:generate` appends new ones here. */
export const MIGRATIONS = [
  InitialSchema1763776800000,
  OperationsAndHistory1763780400000,
  Accounts1763784000000,
  ReadPathIndexes1763787600000,
  MenuItemSearchIndexes1764500000000,
  IdempotencyKeys1764600000000,
  AnalyticsRefreshFailedKeys1764800000000,
  WriteFunctions1764900000000,
  CacheInvalidationOutbox1765000000000,
  IdempotentWriteCommit1765100000000,
  OutboxOnlyWithCache1765200000000,
  OrderDetailsPlanCached1765300000000,
  RestaurantReviewTotals1765400000000,
  OrdersCustomerStatusIndex1765500000000,
  ReviewRatingChange1765600000000,
  ReviewRatingUnmoved1765700000000,
  OrderStatusOutsideIndexes1765800000000,
];
