import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module.js';
import { MenuItemsModule } from '../menu-items/menu-items.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { OrdersService } from '../orders/orders.service.js';
import { RestaurantRepository } from '../restaurants/restaurant.repository.js';
import { RestaurantsService } from '../restaurants/restaurants.service.js';
import { ReviewsRepository } from '../reviews/reviews.repository.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import { DemoController } from './demo.controller.js';
import { DemoService } from './demo.service.js';
import { SampleDataRepository } from './sample-data.repository.js';

@Module({
  imports: [MenuItemsModule, CustomersModule, OrdersModule],
  controllers: [DemoController],
  providers: [
    DemoService,
    SampleDataRepository,
    // Their modules do not export these services: the same stateless classes are provided here, with the
    // dependencies those modules do export, so the sample data goes through exactly the API's rules and events.
    RestaurantsService,
    RestaurantRepository,
    OrdersService,
    ReviewsService,
    ReviewsRepository,
  ],
})
export class DemoModule {}
