import { describe, expect, it } from '@jest/globals';
import { OrderStatus } from '../domain/order-status.js';
import { DomainEventBus } from './domain-event-bus.js';
import { OrderPlaced, OrderStatusChanged } from './domain-events.js';

describe('DomainEventBus', () => {
  const changed = new OrderStatusChanged(10, 2, 3, OrderStatus.Placed, OrderStatus.Confirmed);

  it('awaits every subscriber, in order, before the write answers', async () => {
    const bus = new DomainEventBus();
    const steps: string[] = [];
    let release!: () => void;
    bus.subscribe('order.status-changed', async () => {
      await new Promise<void>((done) => (release = done));
      steps.push('invalidated');
    });
    bus.subscribe('order.status-changed', () => void steps.push('second'));
    const published = bus.publish({ event: changed, outboxId: null }).then(() => steps.push('answered'));
    await Promise.resolve();
    expect(steps).toEqual([]);
    release();
    await published;
    expect(steps).toEqual(['invalidated', 'second', 'answered']);
  });

  it("announces once every subscriber of the write's events is done, without the write waiting for the announcement", async () => {
    const bus = new DomainEventBus();
    const steps: string[] = [];
    let delivered = false;
    bus.announce('order.status-changed', (event) => {
      steps.push(`announced ${event.order_id}`);
      void new Promise<void>((done) => setTimeout(done, 50)).then(() => (delivered = true));
    });
    bus.subscribe('order.status-changed', async () => {
      await Promise.resolve();
      steps.push('invalidated order');
    });
    bus.subscribe('order.placed', async () => {
      await Promise.resolve();
      steps.push('invalidated placement');
    });
    await bus.publish({ event: changed, outboxId: null }, { event: new OrderPlaced(11, 2, 3), outboxId: null });
    expect(steps).toEqual(['invalidated order', 'invalidated placement', 'announced 10']);
    expect(delivered).toBe(false);
  });

  it('an announcer that throws fails neither the write nor the announcers after it', async () => {
    const bus = new DomainEventBus();
    const announced: string[] = [];
    bus.announce('order.status-changed', () => {
      throw new Error('not serialisable');
    });
    bus.announce('order.status-changed', (event) => void announced.push(`second ${event.order_id}`));
    await expect(bus.publish({ event: changed, outboxId: null })).resolves.toBeUndefined();
    expect(announced).toEqual(['second 10']);
  });

  it('announces even when a subscriber failed: the write committed', async () => {
    const bus = new DomainEventBus();
    const announced: number[] = [];
    bus.subscribe('order.status-changed', () => Promise.reject(new Error('Redis unreachable')));
    bus.announce('order.status-changed', (event) => announced.push(event.order_id));
    await bus.publish({ event: changed, outboxId: null });
    expect(announced).toEqual([10]);
  });
});
