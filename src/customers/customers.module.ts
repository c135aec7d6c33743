import { Module } from '@nestjs/common';
import { CustomerAnalyticsRepository } from './customer-analytics.repository.js';
import { CustomersController } from './customers.controller.js';
import { CustomersRepository } from './customers.repository.js';
import { CustomersService } from './customers.service.js';

@Module({
  controllers: [CustomersController],
  providers: [CustomersService, CustomersRepository, CustomerAnalyticsRepository],
  exports: [CustomersService, CustomersRepository, CustomerAnalyticsRepository],
})
export class CustomersModule {}
