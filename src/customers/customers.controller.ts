import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CachePolicies } from '../cache/cache-policies.js';
import { Cached, SessionCache } from '../cache/cache.decorators.js';
import { ApiErrors, ApiPage } from '../common/http/api-errors.decorator.js';
import type { Page } from '../common/pagination/pagination.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { CustomersService } from './customers.service.js';
import { CustomerAnalyticsResponse } from './dto/customer-analytics.dto.js';
import { CreateCustomerDto, CustomerResponse, ListCustomersQuery, UpdateCustomerDto } from './dto/customer.dto.js';
import { Allow } from '../access/access.decorators.js';
import { Grants } from '../access/grants.js';
import { tag } from '../common/http/api-tags.js';

const CustomerIdParam = () => ApiParam({ name: 'id', type: 'integer', example: 1, description: 'Customer id' });

@ApiTags(tag('Customers'))
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @Allow()
  @ApiOperation({ summary: 'Register a customer' })
  @ApiCreatedResponse({ type: CustomerResponse })
  @ApiErrors(400, 409)
  create(@Body() dto: CreateCustomerDto): Promise<CustomerResponse> {
    return this.customers.create(dto);
  }

  @Get()
  @Allow()
  @Cached(CachePolicies.customerList)
  @ApiOperation({ summary: 'List customers by id ascending, optionally only the active ones' })
  @ApiPage(CustomerResponse, 'A page of customers by id ascending')
  @ApiErrors(400)
  list(@Query() query: ListCustomersQuery): Promise<Page<CustomerResponse>> {
    return this.customers.list(query);
  }

  @Get(':id')
  @Allow(Grants.customerSelf())
  @SessionCache(CachePolicies.customer)
  @ApiOperation({ summary: 'Get a customer' })
  @CustomerIdParam()
  @ApiOkResponse({ type: CustomerResponse })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIdPipe) id: number): Promise<CustomerResponse> {
    return this.customers.get(id);
  }

  @Put(':id')
  @Allow(Grants.customerSelf())
  @ApiOperation({ summary: 'Update some of a customer’s fields (partial)' })
  @CustomerIdParam()
  @ApiOkResponse({ type: CustomerResponse })
  @ApiErrors(400, 404, 409)
  update(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateCustomerDto): Promise<CustomerResponse> {
    return this.customers.update(id, dto);
  }

  @Delete(':id')
  @Allow()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a customer who has no orders or reviews (otherwise deactivate with is_active=false)' })
  @CustomerIdParam()
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404, 409)
  remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.customers.remove(id);
  }

  @Get(':id/analytics')
  @Allow(Grants.customerSelf())
  @SessionCache(CachePolicies.customerAnalytics)
  @ApiOperation({ summary: 'Order counts, spending and favourite restaurants and cuisines of a customer' })
  @CustomerIdParam()
  @ApiOkResponse({ type: CustomerAnalyticsResponse })
  @ApiErrors(400, 404)
  analytics(@Param('id', ParseIdPipe) id: number): Promise<CustomerAnalyticsResponse> {
    return this.customers.getAnalytics(id);
  }
}
