import { Module } from '@nestjs/common';
import { MenuItemsRepository } from './menu-items.repository.js';
import { MenuItemsController } from './menu-items.controller.js';
import { MenuItemsService } from './menu-items.service.js';

@Module({
  controllers: [MenuItemsController],
  providers: [MenuItemsRepository, MenuItemsService],
  exports: [MenuItemsRepository, MenuItemsService],
})
export class MenuItemsModule {}
