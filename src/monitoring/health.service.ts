import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DependencyProbe } from './dependency-probe.js';
import { DEPENDENCY_TIMEOUT_MS } from './monitoring.constants.js';
import { LoadRouting } from '../cache/load-routing.js';

/** Readiness through @nestjs/terminus: Postgres SELECT 1, and Redis PING when Redis is configured. */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly probe: DependencyProbe,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly replicas: LoadRouting,
  ) {}

  /**
   * The result either way; `status` is "ok" only when every dependency answered in time. Driver
   * messages name hosts, ports and sometimes users: only admins see them (`withDetails`); anyone
   * else gets a short reason, "timeout" or "unavailable".
   */
  async readiness(withDetails: boolean): Promise<HealthCheckResult> {
    const result = await this.check();
    return withDetails
      ? result
      : { ...result, info: shortReasons(result.info), error: shortReasons(result.error), details: shortReasons(result.details) };
  }

  private async check(): Promise<HealthCheckResult> {
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
        ...(this.replicas.enabled ? [() => this.replicaStatus()] : []),
      ]);
    } catch (error) {
      // Terminus reports a failed check as a 503 carrying the same result shape.
      if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
      throw error;
    }
  }

  /**
   * Always up: without a usable replica every read goes to the primary, which the database check
   * covers. It says how many replicas loads may use and how far behind each is.
   */
  private replicaStatus() {
    const replicas = this.replicas.report()?.replicas ?? [];
    return this.indicators.check('database_replicas').up({
      responseTime: Math.max(0, ...replicas.map((replica) => replica.pollMs ?? 0)),
      usable: replicas.filter((replica) => replica.usable).length,
      configured: replicas.length,
      lag_bytes: replicas.map((replica) => replica.lagBytes ?? null),
    });
  }
}

type Statuses = HealthCheckResult['details'];

function shortReasons(statuses: Partial<Statuses> | undefined): Statuses {
  return Object.fromEntries<Statuses[string]>(
    Object.entries(statuses ?? {})
      .flatMap(([name, status]) => (status ? [[name, status] as const] : []))
      .map(([name, { message, ...rest }]) => [
        name,
        message === undefined ? rest : { ...rest, message: /timed? ?out/i.test(String(message)) ? 'timeout' : 'unavailable' },
      ]),
  );
}
