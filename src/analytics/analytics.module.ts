import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsRefresher } from './analytics-refresher.js';
import { AnalyticsRepository } from './analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';

/** GET /analytics/* reports and their refresh; exports AnalyticsRefresher for the refresh-ahead job. */
@Module({
  controllers: [AnalyticsController],
  providers: [AnalyticsRepository, AnalyticsService, AnalyticsRefresher],
  exports: [AnalyticsRefresher],
})
export class AnalyticsModule {}
