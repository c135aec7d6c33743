import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Customer } from '../customers/entities/customer.entity.js';

/** The reads the order, review and notification routes make of the customers they list for. */
@Injectable()
export class OrderPartiesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  customerExists(id: number): Promise<boolean> {
    return this.dataSource.manager.existsBy(Customer, { id });
  }
}
