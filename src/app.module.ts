import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/app-config.js';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { AccessModule } from './access/access.module.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { CacheModule } from './cache/cache.module.js';
import { CacheOpsModule } from './cache-ops/cache-ops.module.js';
import { ConfigModule } from './config/config.module.js';
import type { ConnectionTarget } from './database/data-source-options.js';
import { DatabaseModule } from './database/database.module.js';
import { CustomersModule } from './customers/customers.module.js';
import { DemoModule } from './demo/demo.module.js';
import { EventsModule } from './events/events.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { OpsModule } from './ops/ops.module.js';
import { HttpHeadersModule } from './common/http/http-headers.module.js';
import { LifecycleModule } from './common/lifecycle/lifecycle.module.js';
import { MonitoringModule } from './monitoring/monitoring.module.js';
import { MenuItemsModule } from './menu-items/menu-items.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { RedisModule } from './redis/redis.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { RestaurantsModule } from './restaurants/restaurants.module.js';
import { ReviewsModule } from './reviews/reviews.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: ConnectionTarget): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LifecycleModule,
        HttpHeadersModule,
        RedisModule,
        DatabaseModule.forRoot(database, config.database.runMigrations),
        EventsModule,
        AccountsModule,
        AccessModule,
        CacheModule,
        MonitoringModule,
        RestaurantsModule,
        MenuItemsModule,
        CustomersModule,
        OrdersModule,
        ReviewsModule,
        DemoModule,
        AnalyticsModule,
        CacheOpsModule,
        RealtimeModule,
        JobsModule,
        OpsModule.withCacheReports(CacheOpsModule),
      ],
    };
  }
}
