import { ApiProperty } from '@nestjs/swagger';
import { MenuItemResponse, toMenuItemResponse } from '../../menu-items/dto/menu-item.dto.js';
import type { MenuItem } from '../../menu-items/entities/menu-item.entity.js';
import type { Restaurant } from '../entities/restaurant.entity.js';
import { RestaurantResponse, toRestaurantResponse } from './restaurant.dto.js';

export class RestaurantWithMenuResponse extends RestaurantResponse {
  @ApiProperty({ type: () => [MenuItemResponse], description: 'Every item of the restaurant, by id ascending' })
  menu_items: MenuItemResponse[];
}

/** The restaurant exactly as GET /restaurants/{id} returns it, plus its items as GET /menu-items/{id} does. */
export function toRestaurantWithMenuResponse(restaurant: Restaurant, menuItems: MenuItem[]): RestaurantWithMenuResponse {
  return { ...toRestaurantResponse(restaurant), menu_items: menuItems.map(toMenuItemResponse) };
}
