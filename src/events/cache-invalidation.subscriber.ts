import { HttpException, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DomainEventBus } from './domain-event-bus.js';
import type { DomainEvent, DomainEventType } from './domain-events.js';
import { CacheService } from '../cache/cache.service.js';
import { planFor } from './invalidation-rules.js';
import { CachedRoutes } from '../cache/cached-routes.js';

const EVENT_TYPES: DomainEventType[] = [
  'restaurant.changed',
  'menu-item.changed',
  'customer.changed',
  'order.placed',
  'order.status-changed',
  'review.added',
  'notifications.read',
  'order.history-dated',
];

/**
 * Applies the invalidation cascade when a domain event arrives (after its write committed),
 * then writes back the changed representations that were cached. The write's response waits for
 * this, so it is sent only once no instance can serve the old data. The invalidation names the event's outbox
 * row: the cache audit deletes it with the record of the invalidation (unless Redis was not
 * reached), and the outbox-replay job applies a row left behind again through {@link apply}.
 */
@Injectable()
export class CacheInvalidationSubscriber implements OnModuleInit {
  private readonly logger = new Logger(CacheInvalidationSubscriber.name);

  constructor(
    private readonly bus: DomainEventBus,
    private readonly cache: CacheService,
    private readonly routes: CachedRoutes,
  ) {}

  onModuleInit(): void {
    for (const type of EVENT_TYPES) this.bus.subscribe(type, (event, outboxId) => this.apply(event, outboxId));
  }

  /** `reason` is the audit's; by default the event's type. */
  async apply(event: DomainEvent, outboxId: string | null, reason: string = event.type): Promise<void> {
    if (!this.cache.enabled) return;
    const plan = planFor(event);
    const invalidation = await this.cache.invalidate(plan.tags, reason, outboxId === null ? [] : [outboxId]);
    for (const { policy, id } of plan.writeThrough) {
      const reader = this.routes.reader(policy);
      const params = { id: String(id) };
      // Only an entry that was cached is written back. One nobody had read (or whose time ran out)
      // would cost a read of the database and a store, for a representation nobody may ask for.
      if (!reader || !this.cache.removedBy(invalidation, reader.policy, params)) continue;
      try {
        await this.cache.writeThrough(reader.policy, params, () => reader.read(id), invalidation);
      } catch (error) {
        // A concurrent delete can make the re-read a 404: then there is nothing to write back.
        if (!(error instanceof HttpException)) {
          this.logger.warn(`Write-through of ${policy.name} ${id} failed: ${(error as Error).message}`);
        }
      }
    }
  }
}
