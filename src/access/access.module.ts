import { Logger, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { AccessTokenService } from './access-token.service.js';
import { AccessLookups } from './access-lookups.repository.js';
import { AccessGuard } from './access.guard.js';
import { ACCESS_TOKEN_VERIFIER } from './principal.js';
import { PrincipalResolver } from './principal-resolver.js';
import { RateLimitGuard } from './rate-limit.js';

/** JWT_SECRET, or outside production (where config requires it) a random key of this process. */
function signingKey(config: AppConfig): string {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  new Logger('AccessModule').warn(
    'JWT_SECRET is not set: signing with a random key of this process. Access tokens will not survive a restart ' +
      'and other instances will refuse them; set JWT_SECRET (32+ characters) to share one key.',
  );
  return randomBytes(32).toString('base64url');
}

/**
 * Rate limits, then access, on every route: the guards run in this order, before pipes,
 * interceptors (the cache) and handlers.
 */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ secret: signingKey(config) }),
    }),
  ],
  providers: [
    AccessTokenService,
    { provide: ACCESS_TOKEN_VERIFIER, useExisting: AccessTokenService },
    PrincipalResolver,
    AccessLookups,
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [PrincipalResolver, AccessTokenService],
})
export class AccessModule {}
