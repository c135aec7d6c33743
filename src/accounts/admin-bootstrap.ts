import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AccountsRepository } from './accounts.repository.js';
import { PasswordHasher } from './password-hasher.js';

/**
 * Ensures the admin account of ADMIN_EMAIL/ADMIN_PASSWORD exists at start-up. An existing account
 * with that email is left as it is (its password is not reset), so restarts and several instances
 * starting together create it once.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    private readonly config: AppConfig,
    private readonly accounts: AccountsRepository,
    private readonly passwords: PasswordHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.bootstrapAdmin;
    if (!admin) return;
    // Looked up first so that an ordinary restart costs no bcrypt hash.
    let existing = await this.accounts.findByEmail(admin.email);
    if (!existing) {
      const created = await this.accounts.insertIfAbsent({
        email: admin.email,
        password_hash: await this.passwords.hash(admin.password),
        role: 'admin',
        customer_id: null,
      });
      if (created) {
        this.logger.log(`Created the admin account ${admin.email} (ADMIN_EMAIL)`);
        return;
      }
      existing = await this.accounts.findByEmail(admin.email);
    }
    if (existing && existing.role !== 'admin') {
      this.logger.warn(`ADMIN_EMAIL ${admin.email} belongs to a ${existing.role} account: no admin account was created`);
    }
  }
}
