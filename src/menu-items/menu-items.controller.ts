import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CachePolicies } from '../cache/cache-policies.js';
import { Cached } from '../cache/cache.decorators.js';
import { ApiErrors, ApiPage } from '../common/http/api-errors.decorator.js';
import { Page, PaginationQuery } from '../common/pagination/pagination.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { DIETARY_TYPES, MenuItemResponse, MenuItemSearchQuery, UpdateMenuItemDto } from './dto/menu-item.dto.js';
import { MenuItemsService } from './menu-items.service.js';
import { Allow, Public } from '../access/access.decorators.js';
import { Grants } from '../access/grants.js';
import { tag } from '../common/http/api-tags.js';

@ApiTags(tag('Menu items'))
@Controller('menu-items')
export class MenuItemsController {
  constructor(private readonly menuItems: MenuItemsService) {}

  @Get()
  @Public()
  @Cached(CachePolicies.menuItemList)
  @ApiOperation({ summary: 'List all menu items, by id ascending' })
  @ApiPage(MenuItemResponse)
  @ApiErrors(400)
  list(@Query() page: PaginationQuery): Promise<Page<MenuItemResponse>> {
    return this.menuItems.list(page);
  }

  @Get('search')
  @Public()
  @Cached(CachePolicies.menuItemSearch)
  @ApiOperation({ summary: 'Search menu items; every filter given must hold. By id ascending' })
  @ApiPage(MenuItemResponse)
  @ApiErrors(400)
  search(@Query() query: MenuItemSearchQuery): Promise<Page<MenuItemResponse>> {
    return this.menuItems.search(query);
  }

  @Get('dietary/:dietary_type')
  @Public()
  @Cached(CachePolicies.menuItemsByDietary)
  @ApiOperation({ summary: 'Menu items with a dietary flag set, by id ascending' })
  @ApiParam({ name: 'dietary_type', enum: DIETARY_TYPES })
  @ApiPage(MenuItemResponse)
  @ApiErrors(400)
  listByDietaryType(@Param('dietary_type') dietaryType: string, @Query() page: PaginationQuery): Promise<Page<MenuItemResponse>> {
    return this.menuItems.listByDietaryType(dietaryType, page);
  }

  @Get('category/:category')
  @Public()
  @Cached(CachePolicies.menuItemsByCategory)
  @ApiOperation({ summary: 'Menu items of a category (case-insensitive), by id ascending' })
  @ApiParam({ name: 'category', example: 'main course' })
  @ApiPage(MenuItemResponse)
  @ApiErrors(400)
  listByCategory(@Param('category') category: string, @Query() page: PaginationQuery): Promise<Page<MenuItemResponse>> {
    return this.menuItems.listByCategory(category, page);
  }

  @Get(':id')
  @Public()
  @Cached(CachePolicies.menuItem)
  @ApiOperation({ summary: 'Get a menu item' })
  @ApiOkResponse({ type: MenuItemResponse })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIdPipe) id: number): Promise<MenuItemResponse> {
    return this.menuItems.get(id);
  }

  @Put(':id')
  @Allow(Grants.menuItemOwner())
  @ApiOperation({ summary: 'Update a menu item: only the fields sent change; its restaurant cannot change' })
  @ApiOkResponse({ type: MenuItemResponse })
  @ApiErrors(400, 404)
  update(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateMenuItemDto): Promise<MenuItemResponse> {
    return this.menuItems.update(id, dto);
  }

  @Delete(':id')
  @Allow(Grants.menuItemOwner())
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a menu item that no order refers to (otherwise set is_available=false)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404, 409)
  delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.menuItems.delete(id);
  }
}
