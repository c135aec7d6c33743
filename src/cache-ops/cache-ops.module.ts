import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CacheReports } from '../cache/cache-reports.js';
import { CacheOpsReports } from './cache-ops-reports.js';
import { CacheStoreAdmin } from './maintenance/cache-store-admin.js';
import { L1ClearBroadcast } from './maintenance/l1-clear-broadcast.js';
import { MenuItemsModule } from '../menu-items/menu-items.module.js';
import { RestaurantsModule } from '../restaurants/restaurants.module.js';
import { CacheAccessLog } from './inspection/cache-access-log.js';
import { CacheOpsController } from './cache-ops.controller.js';
import { CacheAnalyticsController } from './inspection/cache-analytics.controller.js';
import { CacheDemoController } from './demonstrations/cache-demo.controller.js';
import { CacheOpsRepository } from './cache-ops.repository.js';
import { CacheAuditRepository } from './maintenance/cache-audit.repository.js';
import { CacheAuditService } from './maintenance/cache-audit.service.js';
import { CacheBenchmarkService } from './demonstrations/cache-benchmark.service.js';
import { CacheClearService } from './maintenance/cache-clear.service.js';
import { CacheInspectionService } from './inspection/cache-inspection.service.js';
import { CacheWarmingService } from './maintenance/cache-warming.service.js';
import { EnterpriseController } from './demonstrations/enterprise.controller.js';
import { EnterpriseService } from './demonstrations/enterprise.service.js';
import { PatternSandbox } from './demonstrations/pattern-sandbox.js';
import { FeatureTourService } from './demonstrations/feature-tour.service.js';

/**
 * Operating the cache: /cache (health, statistics, memory, keys, clears, warming, audit),
 * /enterprise (patterns, cascade, predictive warming, analytics, security), the cache demos under
 * /demo and /analytics/cache-performance. Provides the CacheReports the operations page shows; exports the audit service (retention: pruneOlderThan) and the warming
 * service (warmPredictive, warmPopular) for scheduled jobs.
 */
@Module({
  imports: [DiscoveryModule, RestaurantsModule, MenuItemsModule],
  controllers: [CacheOpsController, EnterpriseController, CacheDemoController, CacheAnalyticsController],
  providers: [
    CacheStoreAdmin,
    L1ClearBroadcast,
    CacheAccessLog,
    CacheOpsRepository,
    CacheAuditRepository,
    CacheAuditService,
    CacheInspectionService,
    CacheClearService,
    CacheWarmingService,
    CacheBenchmarkService,
    EnterpriseService,
    PatternSandbox,
    FeatureTourService,
    { provide: CacheReports, useClass: CacheOpsReports },
  ],
  exports: [CacheReports, CacheAuditService, CacheWarmingService, CacheClearService, CacheInspectionService, CacheOpsRepository],
})
export class CacheOpsModule {}
