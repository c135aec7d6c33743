import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AnalyticsModule } from '../analytics/analytics.module.js';
import { CacheOpsModule } from '../cache-ops/cache-ops.module.js';
import { MonitoringModule } from '../monitoring/monitoring.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { BackgroundTasks } from './background-tasks.js';
import { JobMetrics } from './job-metrics.js';
import { JobRunner } from './job-runner.js';
import { JobRunsRepository } from './job-runs.repository.js';
import { JobSchedule } from './job-schedule.js';
import { JobScheduler } from './job-scheduler.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';
import { AccountsModule } from '../accounts/accounts.module.js';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';

/**
 * Background jobs. The analytics, cache administration and monitoring modules are imported for
 * the services the jobs call; those are injected as optional, so a job whose service is not
 * exported records that instead of failing.
 */
@Module({
  imports: [ScheduleModule.forRoot(), RealtimeModule, AnalyticsModule, CacheOpsModule, MonitoringModule, AccountsModule, IdempotencyModule],
  controllers: [JobsController],
  providers: [JobSchedule, JobMetrics, JobRunner, JobScheduler, JobsService, BackgroundTasks, JobRunsRepository],
  exports: [JobsService],
})
export class JobsModule {}
