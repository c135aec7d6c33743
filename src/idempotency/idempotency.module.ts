import { Module } from '@nestjs/common';
import { IdempotencyKeysRepository } from './idempotency-keys.repository.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotentResources } from './idempotent-resources.js';

/**
 * Idempotency-Key for write routes: the modules of those routes import this (and register the
 * resources their writes make); the cleanup job prunes the keys.
 */
@Module({
  providers: [IdempotencyKeysRepository, IdempotencyInterceptor, IdempotentResources],
  exports: [IdempotencyKeysRepository, IdempotencyInterceptor, IdempotentResources],
})
export class IdempotencyModule {}
