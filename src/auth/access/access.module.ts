import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from '../auth.module.js';
import { AccessLookups } from './access-lookups.repository.js';
import { AccessGuard } from './access.guard.js';
import { PrincipalResolver } from './principal-resolver.js';
import { RateLimitGuard } from './rate-limit.js';

/**
 * Rate limits, then access, on every route: the guards run in this order, before pipes,
 * interceptors (the cache) and handlers.
 */
@Module({
  imports: [AuthModule],
  providers: [
    PrincipalResolver,
    AccessLookups,
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [PrincipalResolver],
})
export class AccessModule {}
