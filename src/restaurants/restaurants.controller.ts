import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CachePolicies } from '../cache/cache-policies.js';
import { Cached } from '../cache/cache.decorators.js';
import { ApiErrors, ApiPage } from '../common/http/api-errors.decorator.js';
import { Page, PaginationQuery } from '../common/pagination/pagination.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { CreateMenuItemDto, MenuItemResponse } from '../menu-items/dto/menu-item.dto.js';
import { MenuItemsService } from '../menu-items/menu-items.service.js';
import { CreateRestaurantDto, RestaurantResponse, RestaurantSearchQuery, UpdateRestaurantDto } from './dto/restaurant.dto.js';
import { RestaurantWithMenuResponse } from './dto/restaurant-with-menu.dto.js';
import { RestaurantsService } from './restaurants.service.js';
import { Allow, Public } from '../access/access.decorators.js';
import { Grants } from '../access/grants.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { tag } from '../common/http/api-tags.js';

@ApiTags(tag('Restaurants'))
@Controller('restaurants')
export class RestaurantsController {
  constructor(
    private readonly restaurants: RestaurantsService,
    private readonly menuItems: MenuItemsService,
  ) {}

  @Post()
  @Allow()
  @ApiOperation({ summary: 'Create a restaurant' })
  @ApiCreatedResponse({ type: RestaurantResponse })
  @ApiErrors(400, 409)
  create(@Body() dto: CreateRestaurantDto): Promise<RestaurantResponse> {
    return this.restaurants.create(dto);
  }

  @Get()
  @Public()
  @Cached(CachePolicies.restaurantList)
  @ApiOperation({ summary: 'List all restaurants, by id ascending' })
  @ApiPage(RestaurantResponse)
  @ApiErrors(400)
  list(@Query() page: PaginationQuery): Promise<Page<RestaurantResponse>> {
    return this.restaurants.list(page);
  }

  @Get('search')
  @Public()
  @Cached(CachePolicies.restaurantSearch)
  @ApiOperation({ summary: 'Search restaurants; every filter given must hold. By id ascending' })
  @ApiPage(RestaurantResponse)
  @ApiErrors(400)
  search(@Query() query: RestaurantSearchQuery): Promise<Page<RestaurantResponse>> {
    return this.restaurants.search(query);
  }

  @Get('active')
  @Public()
  @Cached(CachePolicies.activeRestaurants)
  @ApiOperation({ summary: 'List active restaurants, by id ascending' })
  @ApiPage(RestaurantResponse)
  @ApiErrors(400)
  listActive(@Query() page: PaginationQuery): Promise<Page<RestaurantResponse>> {
    return this.restaurants.listActive(page);
  }

  @Get(':id')
  @Public()
  @Cached(CachePolicies.restaurant)
  @ApiOperation({ summary: 'Get a restaurant' })
  @ApiOkResponse({ type: RestaurantResponse })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIdPipe) id: number): Promise<RestaurantResponse> {
    return this.restaurants.get(id);
  }

  @Put(':id')
  @Allow(Grants.restaurantOwner())
  @ApiOperation({ summary: 'Update a restaurant: only the fields sent change' })
  @ApiOkResponse({ type: RestaurantResponse })
  @ApiErrors(400, 404, 409)
  update(
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateRestaurantDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<RestaurantResponse> {
    return this.restaurants.update(id, dto, caller);
  }

  @Delete(':id')
  @Allow()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a restaurant and its menu items; refused when orders refer to it (deactivate it instead)',
  })
  @ApiNoContentResponse({ description: 'Deleted, with its menu items' })
  @ApiErrors(400, 404, 409)
  delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.restaurants.delete(id);
  }

  @Post(':id/menu-items')
  @Allow(Grants.restaurantOwner())
  @ApiOperation({ summary: 'Add a menu item to a restaurant' })
  @ApiCreatedResponse({ type: MenuItemResponse })
  @ApiErrors(400, 404)
  addMenuItem(@Param('id', ParseIdPipe) id: number, @Body() dto: CreateMenuItemDto): Promise<MenuItemResponse> {
    return this.menuItems.create(id, dto);
  }

  @Get(':id/menu')
  @Public()
  @Cached(CachePolicies.restaurantMenu)
  @ApiOperation({ summary: "List a restaurant's menu items, by id ascending" })
  @ApiPage(MenuItemResponse)
  @ApiErrors(400, 404)
  getMenu(@Param('id', ParseIdPipe) id: number, @Query() page: PaginationQuery): Promise<Page<MenuItemResponse>> {
    return this.restaurants.getMenu(id, page);
  }

  @Get(':id/with-menu')
  @Public()
  @Cached(CachePolicies.restaurantWithMenu)
  @ApiOperation({ summary: 'Get a restaurant with all its menu items (by id ascending)' })
  @ApiOkResponse({ type: RestaurantWithMenuResponse })
  @ApiErrors(400, 404)
  getWithMenu(@Param('id', ParseIdPipe) id: number): Promise<RestaurantWithMenuResponse> {
    return this.restaurants.getWithMenu(id);
  }
}
