import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { RestaurantsModule } from '../restaurants/restaurants.module.js';
import { OrdersController } from './orders.controller.js';
import { OrderPartiesRepository } from './order-parties.repository.js';
import { OrdersRepository } from './orders.repository.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [IdempotencyModule, RestaurantsModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrdersRepository, OrderPartiesRepository],
  exports: [OrdersService, OrdersRepository, OrderPartiesRepository],
})
export class OrdersModule {}
