import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { buildDataSourceOptions, type ConnectionTarget } from './data-source-options.js';

@Module({})
export class DatabaseModule {
  /** Migrations run at start-up unless `runMigrations` is false (then run `npm run migration:run`). */
  static forRoot(target: ConnectionTarget, runMigrations: boolean): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...buildDataSourceOptions(target), migrationsRun: runMigrations })],
    };
  }
}
