import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { buildDataSourceOptions, type ConnectionTarget } from './data-source-options.js';
import { runMigrationsExclusively } from './migration-lock.js';

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

@Module({})
export class DatabaseModule {
  /** Migrations run at start-up unless `runMigrations` is false (then run `npm run migration:run`). */
  static forRoot(target: ConnectionTarget, runMigrations: boolean): DynamicModule {
    // A one-connection database (the embedded one) can refuse a connection opened right after
    // another closed, so it migrates on the app's own connection, within the usual limits.
    const singleConnection = target.poolSize === 1;
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...buildDataSourceOptions(target, config.database.timeouts),
            migrationsRun: runMigrations && singleConnection,
          }),
          dataSourceFactory: async (options) => {
            if (runMigrations && !singleConnection) await applyMigrations(target);
            return new DataSource(options as DataSourceOptions);
          },
        }),
      ],
    };
  }
}
