import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Customer } from './entities/customer.entity.js';

export type NewCustomer = Pick<Customer, 'name' | 'email' | 'phone_number' | 'address'> & { is_active?: boolean };
export type CustomerChanges = Partial<NewCustomer>;

export interface CustomerListFilter {
  activeOnly: boolean;
  skip: number;
  limit: number;
}

/** Every query on the customers table. */
@Injectable()
export class CustomersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repository() {
    return this.dataSource.getRepository(Customer);
  }

  findById(id: number): Promise<Customer | null> {
    return this.repository.findOneBy({ id });
  }

  /** A page in id order, with the total number of matching customers. */
  findPage({ activeOnly, skip, limit }: CustomerListFilter): Promise<[Customer[], number]> {
    return this.repository.findAndCount({
      where: activeOnly ? { is_active: true } : {},
      order: { id: 'ASC' },
      skip,
      take: limit,
    });
  }

  insert(customer: NewCustomer, manager: EntityManager = this.dataSource.manager): Promise<Customer> {
    const customers = manager.getRepository(Customer);
    return customers.save(customers.create(customer));
  }

  /** Applies the changes in one statement; null when there is no such customer. */
  async update(id: number, changes: CustomerChanges, manager: EntityManager = this.dataSource.manager): Promise<Customer | null> {
    const result = await manager.createQueryBuilder().update(Customer).set(changes).where('id = :id', { id }).returning('*').execute();
    const [row] = result.raw as Customer[];
    return row ? this.repository.create(row) : null;
  }

  /** False when there was no such customer. Orders and reviews restrict the delete (foreign keys). */
  async delete(id: number, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await manager.delete(Customer, { id });
    return (result.affected ?? 0) > 0;
  }
}
