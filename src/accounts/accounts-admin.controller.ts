import { Body, Controller, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { NoStore } from '../common/http/cache-control.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { RestaurantResponse } from '../restaurants/dto/restaurant.dto.js';
import { Allow } from '../access/access.decorators.js';
import { AuthService } from './auth.service.js';
import { AccountResponse, AssignOwnerDto, CreateAccountDto } from './dto/account.dto.js';
import { tag } from '../common/http/api-tags.js';

/** Admin-only (no grant besides the admin's). */
@ApiTags(tag('Auth'))
@Allow()
@NoStore()
@Controller('admin')
export class AccountsAdminController {
  constructor(private readonly auth: AuthService) {}

  @Post('accounts')
  @ApiOperation({ summary: 'Create a restaurant_owner or admin account (admin)' })
  @ApiCreatedResponse({ type: AccountResponse })
  @ApiErrors(400, 409)
  createAccount(@Body() dto: CreateAccountDto): Promise<AccountResponse> {
    return this.auth.createAccount(dto);
  }

  @Put('restaurants/:id/owner')
  @ApiOperation({ summary: 'Give a restaurant to a restaurant_owner account, or take it away with null (admin)' })
  @ApiParam({ name: 'id', type: 'integer', example: 1, description: 'Restaurant id' })
  @ApiOkResponse({ type: RestaurantResponse })
  @ApiErrors(400, 404)
  assignOwner(@Param('id', ParseIdPipe) id: number, @Body() dto: AssignOwnerDto): Promise<RestaurantResponse> {
    return this.auth.assignOwner(id, dto.account_id);
  }
}
