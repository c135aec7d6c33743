import { Module } from '@nestjs/common';
import { OrdersController } from './orders.controller.js';
import { OrderPartiesRepository } from './order-parties.repository.js';
import { OrdersRepository } from './orders.repository.js';
import { OrdersService } from './orders.service.js';

@Module({
  controllers: [OrdersController],
  providers: [OrdersService, OrdersRepository, OrderPartiesRepository],
  exports: [OrdersService, OrdersRepository, OrderPartiesRepository],
})
export class OrdersModule {}
