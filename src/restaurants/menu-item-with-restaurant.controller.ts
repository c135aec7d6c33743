import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../access/access.decorators.js';
import { CachePolicies } from '../cache/cache-policies.js';
import { Cached } from '../cache/cache-policy.js';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { MenuItemWithRestaurantResponse } from './dto/menu-item-with-restaurant.dto.js';
import { RestaurantsService } from './restaurants.service.js';

/**
 * GET /menu-items/{id}/with-restaurant. It joins a menu item to its restaurant, so it lives with
 * the restaurants (which read menu items) rather than in menu-items (which never reads restaurants).
 */
@ApiTags('Menu items')
@Controller('menu-items')
export class MenuItemWithRestaurantController {
  constructor(private readonly restaurants: RestaurantsService) {}

  @Get(':id/with-restaurant')
  @Public()
  @Cached(CachePolicies.menuItemWithRestaurant)
  @ApiOperation({ summary: 'Get a menu item with its restaurant' })
  @ApiOkResponse({ type: MenuItemWithRestaurantResponse })
  @ApiErrors(400, 404)
  getWithRestaurant(@Param('id', ParseIdPipe) id: number): Promise<MenuItemWithRestaurantResponse> {
    return this.restaurants.getMenuItemWithRestaurant(id);
  }
}
