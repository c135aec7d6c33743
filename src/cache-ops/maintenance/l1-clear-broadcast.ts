import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import { MessageBus } from '../../redis/message-bus.js';
import { SharedRedis } from '../../redis/redis-connection.js';
import { CacheStoreAdmin, type KeySelection } from './cache-store-admin.js';

export const CLEAR_CHANNEL = 'cache-admin:clear-l1';
const CLEARED_CHANNEL = 'cache-admin:clear-l1:done';

interface ClearRequest {
  id: string;
  origin: string;
  /** null: everything. */
  selections: KeySelection[] | null;
}

interface ClearReply {
  id: string;
  instance: string;
  removed: number;
}

export interface OtherInstancesCleared {
  /** Other instances listening when the request was published. */
  expected: number;
  /** Those that confirmed within the wait, with the L1 entries each removed. */
  confirmed: { instance: string; removed_l1: number }[];
}

/**
 * Clears the L1 of the other instances after a clear: an invalidation would not do, as entries
 * carry no common tag. The request goes over the MessageBus; each instance clears its own L1 and
 * answers with how many entries it removed. The caller waits for as many answers as there were
 * other listeners (PUBSUB NUMSUB), at most the invalidation ack timeout. Without Redis there are
 * no other instances.
 */
@Injectable()
export class L1ClearBroadcast implements OnModuleInit {
  private readonly logger = new Logger(L1ClearBroadcast.name);
  private readonly waiting = new Map<string, (reply: ClearReply) => void>();

  constructor(
    private readonly redis: SharedRedis,
    private readonly bus: MessageBus,
    private readonly store: CacheStoreAdmin,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const redis = this.redis.connection;
    if (!redis) return;
    this.bus.subscribe<ClearRequest>(CLEAR_CHANNEL, (request) => {
      if (request.origin === redis.instanceId) return;
      const removed = this.store.clearL1(request.selections).length;
      void this.bus.publish(CLEARED_CHANNEL, { id: request.id, instance: redis.instanceId, removed } satisfies ClearReply);
    });
    this.bus.subscribe<ClearReply>(CLEARED_CHANNEL, (reply) => this.waiting.get(reply.id)?.(reply));
  }

  async clearOtherInstances(selections: KeySelection[] | null): Promise<OtherInstancesCleared> {
    const redis = this.redis.connection;
    if (!redis) return { expected: 0, confirmed: [] };
    const listeners = await redis.subscriberCount(`${this.config.cache.prefix}:_meta:channel:${CLEAR_CHANNEL}`).catch(() => 0);
    const expected = Math.max(0, listeners - 1);
    const request: ClearRequest = { id: randomUUID(), origin: redis.instanceId, selections };
    const confirmed: OtherInstancesCleared['confirmed'] = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((done) => {
        this.waiting.set(request.id, (reply) => {
          confirmed.push({ instance: reply.instance, removed_l1: reply.removed });
          if (confirmed.length >= expected) done();
        });
        timer = setTimeout(done, this.config.cache.ackTimeoutMs);
        if (expected === 0) done();
        else void this.bus.publish(CLEAR_CHANNEL, request);
      });
    } finally {
      clearTimeout(timer);
      this.waiting.delete(request.id);
    }
    if (confirmed.length < expected) {
      this.logger.warn(`Only ${confirmed.length} of ${expected} other instances confirmed clearing their L1`);
    }
    return { expected, confirmed };
  }
}
