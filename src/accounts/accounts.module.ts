import { Logger, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { RestaurantsModule } from '../restaurants/restaurants.module.js';
import { AccessTokenService } from '../access/access-token.service.js';
import { AccountsAdminController } from './accounts-admin.controller.js';
import { AccountsRepository } from './accounts.repository.js';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { PasswordHasher } from './password-hasher.js';
import { ACCESS_TOKEN_VERIFIER } from '../access/principal.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

/** JWT_SECRET, or outside production (where config requires it) a random key of this process. */
function signingKey(config: AppConfig): string {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  new Logger('AccountsModule').warn(
    'JWT_SECRET is not set: signing with a random key of this process. Access tokens will not survive a restart ' +
      'and other instances will refuse them; set JWT_SECRET (32+ characters) to share one key.',
  );
  return randomBytes(32).toString('base64url');
}

@Module({
  imports: [
    RestaurantsModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ secret: signingKey(config) }),
    }),
  ],
  controllers: [AuthController, AccountsAdminController],
  providers: [
    AccessTokenService,
    { provide: ACCESS_TOKEN_VERIFIER, useExisting: AccessTokenService },
    PasswordHasher,
    AccountsRepository,
    RefreshTokensRepository,
    AuthService,
    AdminBootstrap,
  ],
  exports: [AccessTokenService, ACCESS_TOKEN_VERIFIER, RefreshTokensRepository],
})
export class AccountsModule {}
