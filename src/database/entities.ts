import { Account } from '../accounts/entities/account.entity.js';
import { RefreshToken } from '../accounts/entities/refresh-token.entity.js';
import { CacheAuditEntry } from '../cache-ops/maintenance/entities/cache-audit-entry.entity.js';
import { Customer } from '../customers/entities/customer.entity.js';
import { JobRun } from '../jobs/entities/job-run.entity.js';
import { MenuItem } from '../menu-items/entities/menu-item.entity.js';
import { Alert } from '../monitoring/entities/alert.entity.js';
import { OrderItem } from '../orders/entities/order-item.entity.js';
import { OrderStatusChange } from '../orders/entities/order-status-change.entity.js';
import { Order } from '../orders/entities/order.entity.js';
import { Notification } from '../realtime/entities/notification.entity.js';
import { Restaurant } from '../restaurants/entities/restaurant.entity.js';
import { Review } from '../reviews/entities/review.entity.js';

/** Every entity, listed once: the data source and the migration generator read this. */
export const ENTITIES = [
  Restaurant,
  MenuItem,
  Customer,
  Order,
  OrderItem,
  OrderStatusChange,
  Review,
  Notification,
  CacheAuditEntry,
  Alert,
  JobRun,
  Account,
  RefreshToken,
];
