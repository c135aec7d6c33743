import { ApiProperty } from '@nestjs/swagger';
import { RestaurantResponse, toRestaurantResponse } from '../../restaurants/dto/restaurant.dto.js';
import type { MenuItem } from '../entities/menu-item.entity.js';
import type { Restaurant } from '../../restaurants/entities/restaurant.entity.js';
import { MenuItemResponse, toMenuItemResponse } from './menu-item.dto.js';

export class MenuItemWithRestaurantResponse extends MenuItemResponse {
  @ApiProperty({ type: () => RestaurantResponse })
  restaurant: RestaurantResponse;
}

/** The menu item exactly as GET /menu-items/{id} returns it, plus its restaurant as GET /restaurants/{id} does. */
export function toMenuItemWithRestaurantResponse(item: MenuItem & { restaurant: Restaurant }): MenuItemWithRestaurantResponse {
  return { ...toMenuItemResponse(item), restaurant: toRestaurantResponse(item.restaurant) };
}
