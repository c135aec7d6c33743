import { Global, Module } from '@nestjs/common';
import { CacheInvalidationSubscriber } from './cache-invalidation.subscriber.js';
import { DomainEventBus } from './domain-event-bus.js';
import { InvalidationOutboxRepository } from './invalidation-outbox.repository.js';

/**
 * The domain event bus, and what each event drops from the cache (the cache core knows no
 * domain event: the subscriber here turns events into tags and write-throughs).
 */
@Global()
@Module({
  providers: [DomainEventBus, CacheInvalidationSubscriber, InvalidationOutboxRepository],
  exports: [DomainEventBus, CacheInvalidationSubscriber, InvalidationOutboxRepository],
})
export class EventsModule {}
