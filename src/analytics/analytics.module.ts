import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module.js';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsReads } from './analytics-reads.js';
import { AnalyticsRefresher } from './analytics-refresher.js';
import { AnalyticsRepository } from './analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';

/** GET /analytics/* reports and their refresh; exports AnalyticsRefresher for the refresh-ahead job. */
@Module({
  imports: [CustomersModule],
  controllers: [AnalyticsController],
  providers: [AnalyticsRepository, AnalyticsService, AnalyticsReads, AnalyticsRefresher],
  exports: [AnalyticsRefresher],
})
export class AnalyticsModule {}
