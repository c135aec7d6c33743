import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { LoadRouting } from '../cache/load-routing.js';
import { AppConfig } from '../config/app-config.js';
import { buildDataSourceOptions, type ConnectionTarget } from './data-source-options.js';
import { runMigrationsExclusively } from './migration-lock.js';
import { ReplicaReads } from './replicas/replica-reads.js';
import { RoutingDataSource } from './replicas/routing-data-source.js';

/**
 * Applies pending migrations on a connection of their own, without the request path's time limits,
 * one replica at a time (see {@link runMigrationsExclusively}).
 */
export async function applyMigrations(target: ConnectionTarget): Promise<void> {
  const migrator = new DataSource(buildDataSourceOptions({ url: target.url, poolSize: 1 }));
  await migrator.initialize();
  try {
    const applied = await runMigrationsExclusively(migrator);
    if (applied.length > 0) new Logger('DatabaseModule').log(`Applied migrations: ${applied.map((m) => m.name).join(', ')}`);
  } finally {
    await migrator.destroy();
  }
}

/**
 * With replicas: TypeORM's replication (one pool per replica, each with the primary's limits), the
 * replicas' connections named so that pg_stat_activity tells them apart. Migrations never use it.
 */
function withReplicas(options: DataSourceOptions, target: ConnectionTarget, replicaUrls: readonly string[]): DataSourceOptions {
  if (replicaUrls.length === 0) return options;
  const { url: _primary, ...rest } = options as DataSourceOptions & { url?: string };
  return {
    ...rest,
    type: 'postgres',
    replication: {
      master: { url: target.url, applicationName: 'tiffin' },
      slaves: replicaUrls.map((url, index) => ({ url, applicationName: `tiffin-replica-${index}` })),
      defaultMode: 'master',
    },
  } as DataSourceOptions;
}

@Module({})
export class DatabaseModule {
  /** Migrations run at start-up unless `runMigrations` is false (then run `npm run migration:run`). */
  static forRoot(target: ConnectionTarget, runMigrations: boolean): DynamicModule {
    // A one-connection database (the embedded one) can refuse a connection opened right after
    // another closed, so it migrates on the app's own connection, within the usual limits.
    const singleConnection = target.poolSize === 1;
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...withReplicas(buildDataSourceOptions(target, config.database.timeouts), target, config.database.replicaUrls),
            migrationsRun: runMigrations && singleConnection,
          }),
          dataSourceFactory: async (options) => {
            if (runMigrations && !singleConnection) await applyMigrations(target);
            const resolved = options as DataSourceOptions;
            return 'replication' in resolved && resolved.replication ? new RoutingDataSource(resolved) : new DataSource(resolved);
          },
        }),
      ],
      providers: [ReplicaReads, { provide: LoadRouting, useExisting: ReplicaReads }],
      exports: [ReplicaReads, LoadRouting],
    };
  }
}
