import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DependencyProbe } from './dependency-probe.js';
import { DEPENDENCY_TIMEOUT_MS } from './monitoring.constants.js';

/** Readiness through @nestjs/terminus: Postgres SELECT 1, and Redis PING when Redis is configured. */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly probe: DependencyProbe,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The result either way; `status` is "ok" only when every dependency answered in time. */
  async readiness(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { connection: this.dataSource, timeout: DEPENDENCY_TIMEOUT_MS }),
        ...(this.probe.redisConfigured
          ? [
              () =>
                this.indicators
                  .check('redis')
                  .attempt(async () => {
                    await this.probe.redisRoundTrip();
                  })
                  .withTimeout(DEPENDENCY_TIMEOUT_MS),
            ]
          : []),
      ]);
    } catch (error) {
      // Terminus reports a failed check as a 503 carrying the same result shape.
      if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
      throw error;
    }
  }
}
