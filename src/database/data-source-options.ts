import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

export interface ConnectionTarget {
  url: string;
  poolSize: number;
}

export function buildDataSourceOptions(target: ConnectionTarget): DataSourceOptions {
  return {
    type: 'postgres',
    url: target.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: target.poolSize, connectionTimeoutMillis: 5000 },
  };
}
