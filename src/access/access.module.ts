import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { CacheControlPolicy } from '../common/http/cache-control.js';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AccessLookups } from './access-lookups.repository.js';
import { AccessGuard } from './access.guard.js';
import { PrincipalResolver } from './principal-resolver.js';
import { RateLimitGuard } from './rate-limit.js';

/**
 * Rate limits, then access, on every route: the guards run in this order, before pipes,
 * interceptors (the cache) and handlers. Cache-Control on every answer follows the same
 * declarations (who may call a route, and its cache policy).
 */
@Module({
  imports: [AccountsModule, DiscoveryModule],
  providers: [
    PrincipalResolver,
    AccessLookups,
    CacheControlPolicy,
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [PrincipalResolver],
})
export class AccessModule {}
