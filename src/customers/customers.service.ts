import { ConflictException, Injectable } from '@nestjs/common';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/errors/postgres-errors.js';
import { sentFields } from '../common/validation/presence.js';
import { Page } from '../common/pagination/pagination.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import type { RecordedEvent } from '../events/invalidation-outbox.js';
import { CustomerChanged } from '../events/domain-events.js';
import { CustomerAnalyticsRepository } from './customer-analytics.repository.js';
import { type CustomerChanges, CustomersRepository } from './customers.repository.js';
import { type CustomerAnalyticsResponse, toCustomerAnalyticsResponse } from './dto/customer-analytics.dto.js';
import {
  type CreateCustomerDto,
  type CustomerResponse,
  type ListCustomersQuery,
  toCustomerResponse,
  type UpdateCustomerDto,
} from './dto/customer.dto.js';

export const EMAIL_UNIQUE_INDEX = 'uq_customers_email_lower';

@Injectable()
export class CustomersService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly analytics: CustomerAnalyticsRepository,
    private readonly events: DomainEventBus,
    private readonly outbox: InvalidationOutboxRepository,
  ) {}

  /** Writes run in a transaction with their cache invalidation outbox row; the event is published after the commit. */
  async create(dto: CreateCustomerDto): Promise<CustomerResponse> {
    const { response, recorded } = await this.withUniqueEmail(dto.email, () =>
      this.outbox.transaction(async (manager) => {
        const response = toCustomerResponse(await this.customers.insert(dto, manager));
        return { response, recorded: await this.outbox.record(manager, [new CustomerChanged(response.id, 'created', response)]) };
      }),
    );
    await this.events.publish(...recorded);
    return response;
  }

  async list(query: ListCustomersQuery): Promise<Page<CustomerResponse>> {
    const [customers, total] = await this.customers.findPage({
      activeOnly: query.active_only === true,
      skip: query.skip,
      limit: query.limit,
    });
    return new Page(customers.map(toCustomerResponse), total);
  }

  async get(id: number): Promise<CustomerResponse> {
    const customer = await this.customers.findById(id);
    if (!customer) throw new ResourceNotFoundException('Customer', id);
    return toCustomerResponse(customer);
  }

  /** An empty body changes nothing and publishes nothing; it answers like a GET. */
  async update(id: number, dto: UpdateCustomerDto): Promise<CustomerResponse> {
    const changes: CustomerChanges = sentFields(dto);
    if (Object.keys(changes).length === 0) return this.get(id);
    const { response, recorded } = await this.withUniqueEmail(changes.email, () =>
      this.outbox.transaction(async (manager) => {
        const customer = await this.customers.update(id, changes, manager);
        if (!customer) throw new ResourceNotFoundException('Customer', id);
        const response = toCustomerResponse(customer);
        return { response, recorded: await this.outbox.record(manager, [new CustomerChanged(customer.id, 'updated', response)]) };
      }),
    );
    await this.events.publish(...recorded);
    return response;
  }

  /** Order and review history is never destroyed: a customer who has any can only be deactivated. */
  async remove(id: number): Promise<void> {
    let recorded: RecordedEvent[];
    try {
      recorded = await this.outbox.transaction(async (manager) => {
        if (!(await this.customers.delete(id, manager))) throw new ResourceNotFoundException('Customer', id);
        return this.outbox.record(manager, [new CustomerChanged(id, 'deleted')]);
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new ConflictException(
          `Customer ${id} has orders or reviews and cannot be deleted; deactivate it with is_active=false instead`,
        );
      }
      throw error;
    }
    await this.events.publish(...recorded);
  }

  async getAnalytics(id: number): Promise<CustomerAnalyticsResponse> {
    const row = await this.analytics.forCustomer(id);
    if (!row) throw new ResourceNotFoundException('Customer', id);
    return toCustomerAnalyticsResponse(id, row);
  }

  private async withUniqueEmail<T>(email: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, EMAIL_UNIQUE_INDEX)) {
        throw new ConflictException(`A customer with email ${email} already exists`);
      }
      throw error;
    }
  }
}
