import { recordingOutbox } from '../common/testing/recording-data-source.js';
import type { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException } from '@nestjs/common';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { CustomerChanged, type DomainEvent } from '../events/domain-events.js';
import type { CustomerAnalyticsRepository, CustomerAnalyticsRow } from './customer-analytics.repository.js';
import type { CustomerChanges, CustomersRepository, NewCustomer } from './customers.repository.js';
import { CustomersService } from './customers.service.js';
import { UpdateCustomerDto } from './dto/customer.dto.js';
import type { Customer } from './entities/customer.entity.js';

function postgresError(code: string, constraint: string): QueryFailedError {
  return new QueryFailedError('query', [], Object.assign(new Error('violation'), { code, constraint }));
}

const CREATED_AT = new Date('2025-01-15T18:30:00.000Z');

/** An in-memory stand-in for the customers table, with switches to make the next write fail. */
class FakeCustomersRepository {
  rows = new Map<number, Customer>();
  nextError: Error | undefined;
  updates: Array<{ id: number; changes: CustomerChanges }> = [];
  private nextId = 1;

  async findById(id: number) {
    return this.rows.get(id) ?? null;
  }

  async insert(customer: NewCustomer) {
    this.throwPendingError();
    const row = { is_active: true, ...customer, id: this.nextId++, created_at: CREATED_AT, updated_at: CREATED_AT };
    this.rows.set(row.id, row);
    return row;
  }

  async update(id: number, changes: CustomerChanges) {
    this.throwPendingError();
    this.updates.push({ id, changes });
    const row = this.rows.get(id);
    if (!row) return null;
    Object.assign(row, changes, { updated_at: new Date(CREATED_AT.getTime() + 1000) });
    return row;
  }

  async delete(id: number) {
    this.throwPendingError();
    return this.rows.delete(id);
  }

  private throwPendingError() {
    const error = this.nextError;
    this.nextError = undefined;
    if (error) throw error;
  }
}

class FakeAnalyticsRepository {
  row: CustomerAnalyticsRow | undefined;
  async forCustomer() {
    return this.row;
  }
}

const newCustomer = { name: 'John Doe', email: 'john@example.com', phone_number: '+1-555-0456', address: '456 Oak Ave' };

describe('CustomersService', () => {
  let customers: FakeCustomersRepository;
  let analytics: FakeAnalyticsRepository;
  let published: DomainEvent[];
  let service: CustomersService;

  beforeEach(() => {
    customers = new FakeCustomersRepository();
    analytics = new FakeAnalyticsRepository();
    published = [];
    const events = new DomainEventBus();
    events.subscribe('customer.changed', (event) => {
      published.push(event);
    });
    service = new CustomersService(
      customers as unknown as CustomersRepository,
      analytics as unknown as CustomerAnalyticsRepository,
      events,
      recordingOutbox([], {} as EntityManager) as unknown as InvalidationOutboxRepository,
    );
  });

  describe('create', () => {
    it('returns the mapped customer and publishes it as created', async () => {
      const response = await service.create(newCustomer);
      expect(JSON.stringify(response)).toBe(
        '{"id":1,"name":"John Doe","email":"john@example.com","phone_number":"+1-555-0456","address":"456 Oak Ave",' +
          '"is_active":true,"created_at":"2025-01-15T18:30:00.000Z","updated_at":"2025-01-15T18:30:00.000Z"}',
      );
      expect(published).toEqual([new CustomerChanged(1, 'created', response)]);
    });

    it('turns a clash on the email index into a 409 naming the email, and publishes nothing', async () => {
      customers.nextError = postgresError('23505', 'uq_customers_email_lower');
      await expect(service.create(newCustomer)).rejects.toThrow(
        new ConflictException('A customer with email john@example.com already exists'),
      );
      expect(published).toEqual([]);
    });

    it('lets other database errors through unchanged', async () => {
      const error = postgresError('23505', 'some_other_index');
      customers.nextError = error;
      await expect(service.create(newCustomer)).rejects.toBe(error);
    });
  });

  describe('update', () => {
    beforeEach(async () => {
      await service.create(newCustomer);
      published.length = 0;
    });

    it('writes only the fields that were sent and publishes the new representation', async () => {
      const dto = Object.assign(new UpdateCustomerDto(), { name: 'Jane Doe', email: undefined });
      const response = await service.update(1, dto);
      expect(customers.updates).toEqual([{ id: 1, changes: { name: 'Jane Doe' } }]);
      expect(response.name).toBe('Jane Doe');
      expect(response.updated_at).toBe('2025-01-15T18:30:01.000Z');
      expect(published).toEqual([new CustomerChanged(1, 'updated', response)]);
    });

    it('treats an empty body as a read: no write, no event', async () => {
      const response = await service.update(1, new UpdateCustomerDto());
      expect(response.name).toBe('John Doe');
      expect(customers.updates).toEqual([]);
      expect(published).toEqual([]);
    });

    it('answers 404 for a missing customer, even with an empty body', async () => {
      await expect(service.update(9, Object.assign(new UpdateCustomerDto(), { name: 'X Y' }))).rejects.toThrow(
        new NotFoundException('Customer 9 not found'),
      );
      await expect(service.update(9, new UpdateCustomerDto())).rejects.toThrow(NotFoundException);
      expect(published).toEqual([]);
    });

    it('turns an email clash into a 409 naming the email', async () => {
      customers.nextError = postgresError('23505', 'uq_customers_email_lower');
      await expect(service.update(1, Object.assign(new UpdateCustomerDto(), { email: 'taken@example.com' }))).rejects.toThrow(
        new ConflictException('A customer with email taken@example.com already exists'),
      );
      expect(published).toEqual([]);
    });
  });

  describe('remove', () => {
    it('deletes and publishes a deletion without a representation', async () => {
      await service.create(newCustomer);
      published.length = 0;
      await service.remove(1);
      expect(customers.rows.size).toBe(0);
      expect(published).toEqual([new CustomerChanged(1, 'deleted')]);
    });

    it('answers 404 for a missing customer', async () => {
      await expect(service.remove(9)).rejects.toThrow(new NotFoundException('Customer 9 not found'));
      expect(published).toEqual([]);
    });

    it.each([
      ['foreign_key_violation (Postgres 15-17)', '23503'],
      ['restrict_violation (Postgres 18)', '23001'],
    ])('refuses with a 409 pointing to deactivation when the database reports %s', async (_case, code) => {
      customers.nextError = postgresError(code, 'fk_orders_customer');
      await expect(service.remove(1)).rejects.toThrow(
        new ConflictException('Customer 1 has orders or reviews and cannot be deleted; deactivate it with is_active=false instead'),
      );
      expect(published).toEqual([]);
    });
  });

  describe('getAnalytics', () => {
    it('answers 404 for a missing customer', async () => {
      await expect(service.getAnalytics(9)).rejects.toThrow(new NotFoundException('Customer 9 not found'));
    });

    it('lists every order status, in workflow order, with 0 for the absent ones', async () => {
      analytics.row = {
        customer_name: 'Jane Doe',
        total_orders: 3,
        orders_by_status: { cancelled: 1, delivered: 2 },
        lifetime_spend: 30.5,
        average_delivered_order: 15.25,
        average_basket: 15.25,
        favorite_restaurants: [{ orders: 3, name: 'Pizza Palace', restaurant_id: 4 }],
        favorite_cuisines: [{ orders: 3, cuisine_type: 'Italian' }],
        favorite_items: [],
        preferred_order_hours: [],
        first_order_at: null,
        last_order_at: null,
        days_since_last_order: null,
      };
      const response = await service.getAnalytics(1);
      expect(JSON.stringify(response)).toBe(
        '{"customer_id":1,"total_orders":3,' +
          '"orders_by_status":{"placed":0,"confirmed":0,"preparing":0,"out_for_delivery":0,"delivered":2,"cancelled":1},' +
          '"total_spent":30.5,"average_order_value":15.25,' +
          '"favorite_restaurants":[{"restaurant_id":4,"name":"Pizza Palace","order_count":3}],' +
          '"favorite_cuisines":[{"cuisine_type":"Italian","order_count":3}]}',
      );
    });
  });
});
