import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { TieredCache } from '../cache/tiered-cache.js';

/**
 * Application messages to every instance (this one included): over Redis pub/sub when Redis is
 * configured, in process otherwise. Delivery is at most once and only to instances listening at
 * the time, so use it for notifications (e.g. server-sent events), not for state.
 */
@Injectable()
export class MessageBus {
  private readonly logger = new Logger(MessageBus.name);
  private readonly local = new EventEmitter().setMaxListeners(0);

  constructor(private readonly tiers: TieredCache) {}

  async publish(channel: string, message: unknown): Promise<void> {
    const payload = JSON.stringify(message);
    const redis = this.tiers.redis;
    if (!redis) {
      this.local.emit(channel, payload);
      return;
    }
    await redis.publishMessage(channel, payload).catch((error: Error) => {
      this.logger.warn(`Could not publish on ${channel}: ${error.message}`);
    });
  }

  subscribe<T>(channel: string, handler: (message: T) => void): () => void {
    const deliver = (payload: string) => handler(JSON.parse(payload) as T);
    const redis = this.tiers.redis;
    if (redis) return redis.subscribeMessages(channel, deliver);
    this.local.on(channel, deliver);
    return () => this.local.off(channel, deliver);
  }
}
