import { type DynamicModule, Module, type Type } from '@nestjs/common';
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
@Module({})
export class OpsModule {
  /**
   * `cacheReports`: the module that provides the page's {@link CacheReports} (the app module passes
   * cache operations', which this folder may not import).
   */
  static withCacheReports(cacheReports: Type): DynamicModule {
    return {
      module: OpsModule,
      imports: [cacheReports, JobsModule, MonitoringModule, RealtimeModule],
      controllers: [OpsController],
      providers: [TrafficTimeline, OpsSnapshots],
    };
  }
}
