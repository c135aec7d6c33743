import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module.js';
import { MenuItemsModule } from '../menu-items/menu-items.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { RestaurantsModule } from '../restaurants/restaurants.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { DemoController } from './demo.controller.js';
import { DemoService } from './demo.service.js';
import { SampleDataRepository } from './sample-data.repository.js';

@Module({
  imports: [RestaurantsModule, MenuItemsModule, CustomersModule, OrdersModule, ReviewsModule],
  controllers: [DemoController],
  providers: [DemoService, SampleDataRepository],
})
export class DemoModule {}
