import { Controller, Delete, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { DemoService } from './demo.service.js';
import { SampleDataResponse } from './dto/sample-data.dto.js';
import { SAMPLE_MARKERS_DESCRIPTION } from './sample-markers.js';
import { Allow } from '../access/access.decorators.js';
import { TimeLimit } from '../common/http/request-time-limit.js';
import { tag } from '../common/http/api-tags.js';

/** Hundreds of writes through the services: minutes on a busy machine, not the API's usual limit. */
const SAMPLE_DATA_TIME_LIMIT_MS = 5 * 60_000;

@ApiTags(tag('Demo'))
@Allow()
@Controller('demo')
export class DemoController {
  constructor(private readonly demo: DemoService) {}

  @Post('sample-data')
  @TimeLimit(SAMPLE_DATA_TIME_LIMIT_MS)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create the sample data set (restaurants, menus, customers, orders in every status, reviews)',
    description:
      'Builds a fixed, realistic data set through the same services as the API, so every rule holds and every ' +
      'event is published: 7 restaurants of 6 cuisines with full menus, 14 customers (one inactive), 80 orders in ' +
      'every status over the last 30 days (in-progress ones within the last hour) and reviews of delivered orders ' +
      'by their customers. A fixed seed makes it the same data set every time; only ids and the dates (relative to ' +
      'now) differ. When any sample row exists already nothing is created: 200 with the counts of the sample rows ' +
      `that exist and already_present true. ${SAMPLE_MARKERS_DESCRIPTION}`,
  })
  @ApiCreatedResponse({ type: SampleDataResponse, description: 'Created: the counts of what was created' })
  @ApiOkResponse({ type: SampleDataResponse, description: 'Already present: nothing created; the counts of what exists' })
  @ApiErrors(409)
  async create(@Res({ passthrough: true }) reply: FastifyReply): Promise<SampleDataResponse> {
    const result = await this.demo.createSampleData();
    if (result.already_present) reply.status(HttpStatus.OK);
    return result;
  }

  @Delete('sample-data')
  @TimeLimit(SAMPLE_DATA_TIME_LIMIT_MS)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete exactly the sample data set, and nothing else',
    description:
      'Removes, in one transaction, the reviews and orders (with their lines) of sample customers at sample ' +
      'restaurants, the menu items of the sample restaurants, the sample restaurants and the sample customers; ' +
      'the cache drops them. The one place order history is deleted, so it is refused as a whole (409, naming the ' +
      'orders) while any order joins sample data with other data: a customer who is not sample data ordering from ' +
      `a sample restaurant, or a sample customer from another restaurant. ${SAMPLE_MARKERS_DESCRIPTION}`,
  })
  @ApiNoContentResponse({ description: 'Deleted, or there was no sample data' })
  @ApiErrors(409)
  remove(): Promise<void> {
    return this.demo.deleteSampleData();
  }
}
