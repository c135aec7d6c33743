import { Module } from '@nestjs/common';
import { MenuItemsModule } from '../menu-items/menu-items.module.js';
import { MenuItemWithRestaurantController } from './menu-item-with-restaurant.controller.js';
import { RestaurantAnalyticsController } from './restaurant-analytics.controller.js';
import { RestaurantAnalyticsRepository } from './restaurant-analytics.repository.js';
import { RestaurantAnalyticsService } from './restaurant-analytics.service.js';
import { RestaurantsRepository } from './restaurants.repository.js';
import { RestaurantsController } from './restaurants.controller.js';
import { RestaurantsService } from './restaurants.service.js';

@Module({
  imports: [MenuItemsModule],
  // The analytics controller first: its literal restaurants/analytics/* routes precede restaurants/:id.
  controllers: [RestaurantAnalyticsController, RestaurantsController, MenuItemWithRestaurantController],
  providers: [RestaurantsRepository, RestaurantsService, RestaurantAnalyticsRepository, RestaurantAnalyticsService],
  exports: [RestaurantsService, RestaurantAnalyticsService],
})
export class RestaurantsModule {}
