import { ApiProperty } from '@nestjs/swagger';
import { RestaurantResponse, toRestaurantResponse } from './restaurant.dto.js';
import type { MenuItem } from '../../menu-items/entities/menu-item.entity.js';
import type { Restaurant } from '../entities/restaurant.entity.js';
import { MenuItemResponse, toMenuItemResponse } from '../../menu-items/dto/menu-item.dto.js';

export class MenuItemWithRestaurantResponse extends MenuItemResponse {
  @ApiProperty({ type: () => RestaurantResponse })
  restaurant: RestaurantResponse;
}

/** The menu item exactly as GET /menu-items/{id} returns it, plus its restaurant as GET /restaurants/{id} does. */
export function toMenuItemWithRestaurantResponse(item: MenuItem & { restaurant: Restaurant }): MenuItemWithRestaurantResponse {
  return { ...toMenuItemResponse(item), restaurant: toRestaurantResponse(item.restaurant) };
}
