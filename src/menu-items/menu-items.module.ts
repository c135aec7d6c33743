import { Module } from '@nestjs/common';
import { MenuItemRepository } from './menu-item.repository.js';
import { MenuItemsController } from './menu-items.controller.js';
import { MenuItemsService } from './menu-items.service.js';

@Module({
  controllers: [MenuItemsController],
  providers: [MenuItemRepository, MenuItemsService],
  exports: [MenuItemRepository, MenuItemsService],
})
export class MenuItemsModule {}
