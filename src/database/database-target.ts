import type { AppConfig } from '../config/app-config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import type { ConnectionTarget } from './data-source-options.js';

export interface ResolvedDatabase extends ConnectionTarget {
  embedded: boolean;
  /** Stops the embedded server; a no-op for an external database. */
  release(): Promise<void>;
}

/** DATABASE_URL when configured; otherwise an embedded Postgres, which takes exactly one connection. */
export async function resolveDatabase(config: AppConfig): Promise<ResolvedDatabase> {
  if (config.database.url) {
    return { url: config.database.url, poolSize: config.database.poolSize, embedded: false, release: async () => {} };
  }
  const embedded = await startEmbeddedPostgres(config.database.embedded);
  return { url: embedded.url, poolSize: 1, embedded: true, release: () => embedded.stop() };
}
