import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CacheStoreAdmin } from '../cache/admin/cache-store-admin.js';
import { L1ClearBroadcast } from '../cache/admin/l1-clear-broadcast.js';
import { MenuItemsModule } from '../menu-items/menu-items.module.js';
import { RestaurantsModule } from '../restaurants/restaurants.module.js';
import { CacheAccessLog } from './cache-access-log.js';
import { CacheAdminController } from './cache-admin.controller.js';
import { CacheAnalyticsController } from './cache-analytics.controller.js';
import { CacheDemoController } from './cache-demo.controller.js';
import { CacheAdminRepository } from './cache-admin.repository.js';
import { CacheAuditRepository } from './cache-audit.repository.js';
import { CacheAuditService } from './cache-audit.service.js';
import { CacheBenchmarkService } from './cache-benchmark.service.js';
import { CacheClearService } from './cache-clear.service.js';
import { CacheInspectionService } from './cache-inspection.service.js';
import { CacheWarmingService } from './cache-warming.service.js';
import { EnterpriseController } from './enterprise.controller.js';
import { EnterpriseService } from './enterprise.service.js';
import { PatternSandbox } from './pattern-sandbox.js';
import { FeatureTourService } from './feature-tour.service.js';

/**
 * Operating the cache: /cache (health, statistics, memory, keys, clears, warming, audit),
 * /enterprise (patterns, cascade, predictive warming, analytics, security), the cache demos under
 * /demo and /analytics/cache-performance. Exports the audit service (retention: pruneOlderThan) and the warming
 * service (warmPredictive, warmPopular) for scheduled jobs.
 */
@Module({
  imports: [DiscoveryModule, RestaurantsModule, MenuItemsModule],
  controllers: [CacheAdminController, EnterpriseController, CacheDemoController, CacheAnalyticsController],
  providers: [
    CacheStoreAdmin,
    L1ClearBroadcast,
    CacheAccessLog,
    CacheAdminRepository,
    CacheAuditRepository,
    CacheAuditService,
    CacheInspectionService,
    CacheClearService,
    CacheWarmingService,
    CacheBenchmarkService,
    EnterpriseService,
    PatternSandbox,
    FeatureTourService,
  ],
  exports: [CacheAuditService, CacheWarmingService, CacheClearService, CacheInspectionService],
})
export class CacheAdminModule {}
