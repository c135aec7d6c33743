import { Module } from '@nestjs/common';
import { CacheOpsModule } from '../cache-ops/cache-ops.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { MonitoringModule } from '../monitoring/monitoring.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { OpsController } from './ops.controller.js';
import { OpsSnapshots } from './ops-snapshots.js';
import { TrafficTimeline } from './traffic-timeline.js';

/**
 * The operations page: its event stream (/ops/stream) and the traffic every instance samples for
 * it. The page's files are served by {@link registerOpsPage}.
 */
@Module({
  imports: [CacheOpsModule, JobsModule, MonitoringModule, RealtimeModule],
  controllers: [OpsController],
  providers: [TrafficTimeline, OpsSnapshots],
})
export class OpsModule {}
