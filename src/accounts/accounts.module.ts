import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { RestaurantsModule } from '../restaurants/restaurants.module.js';
import { AccountsAdminController } from './accounts-admin.controller.js';
import { AccountsRepository } from './accounts.repository.js';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

@Module({
  imports: [
    CustomersModule,
    RestaurantsModule,
    // Access signs and verifies the tokens sign-in hands out.
    AccessModule,
  ],
  controllers: [AuthController, AccountsAdminController],
  providers: [PasswordHasher, AccountsRepository, RefreshTokensRepository, AuthService, AdminBootstrap],
  exports: [RefreshTokensRepository],
})
export class AccountsModule {}
