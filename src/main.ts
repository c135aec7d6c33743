import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError, loadConfig } from './config/app-config.js';
import { resolveDatabase } from './database/database-target.js';
import { createApp } from './app.factory.js';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = new Logger('Bootstrap');
  const database = await resolveDatabase(config);
  if (database.embedded) logger.log(`No DATABASE_URL: using the embedded Postgres in ${config.database.embedded.dataDir}`);

  const app = await createApp(config, database);
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.log(`Tiffin listening on ${await app.getUrl()} (docs at /docs)`);

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.log(`${signal} received: draining in-flight requests`);
    const deadline = setTimeout(() => {
      logger.error(`Shutdown took longer than ${config.http.shutdownGraceMs} ms; exiting`);
      process.exit(1);
    }, config.http.shutdownGraceMs);
    deadline.unref();
    try {
      await app.close();
      await database.release();
      logger.log('Shut down cleanly');
      process.exit(0);
    } catch (error) {
      logger.error('Shutdown failed', error instanceof Error ? error.stack : String(error));
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
