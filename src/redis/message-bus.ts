import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { SharedRedis } from './redis-connection.js';
import { RepeatedWarning } from '../common/logging/repeated-warning.js';

/**
 * Application messages to every instance (this one included): over Redis pub/sub when Redis is
 * configured, in process otherwise. Delivery is at most once and only to instances listening at
 * the time, so use it for notifications (e.g. server-sent events), not for state.
 */
@Injectable()
export class MessageBus {
  private readonly logger = new Logger(MessageBus.name);
  private readonly local = new EventEmitter().setMaxListeners(0);
  /** While Redis is out of reach every publish fails (several a second): the first is logged, then a count now and then. */
  private readonly publishFailures = new RepeatedWarning(this.logger);

  constructor(private readonly shared: SharedRedis) {}

  async publish(channel: string, message: unknown): Promise<void> {
    const payload = JSON.stringify(message);
    const redis = this.shared.connection;
    if (!redis) {
      this.local.emit(channel, payload);
      return;
    }
    try {
      await redis.publishMessage(channel, payload);
      this.publishFailures.recovered('Publishing on Redis works again');
    } catch (error) {
      this.publishFailures.warn(`Could not publish on ${channel}: ${(error as Error).message}`);
    }
  }

  subscribe<T>(channel: string, handler: (message: T) => void): () => void {
    const deliver = (payload: string) => handler(JSON.parse(payload) as T);
    const redis = this.shared.connection;
    if (redis) return redis.subscribeMessages(channel, deliver);
    this.local.on(channel, deliver);
    return () => this.local.off(channel, deliver);
  }
}
