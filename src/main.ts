import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigValidationError, loadConfig } from './config/app-config.js';
import { ShutdownSignal } from './common/lifecycle/shutdown-signal.js';
import { startTracing } from './tracing/start-tracing.js';

/** How often, while draining, connections that finished their last request are closed. */
const IDLE_SWEEP_MS = 100;

/**
 * Stops taking requests and waits for those in flight while everything they use is still open.
 * Nest's own close runs the modules' destroy hooks (the cache manager disconnects its Redis store
 * there) before it closes the HTTP server, so draining inside it would let in-flight writes lose
 * their cache invalidation. New connections are refused; a request on an open keep-alive
 * connection gets a 503 with Connection: close. Node closes idle keep-alive connections once, when
 * the server closes; one that goes idle later, after its last response, would hold the server
 * open until its keep-alive timeout, so they are swept until the server is closed.
 *
 * Event streams end themselves on the {@link ShutdownSignal}, raised first. Requests still open
 * after `budgetMs` are cut: the rest of the shutdown needs the time left.
 */
async function drainHttp(app: NestFastifyApplication, budgetMs: number, logger: Logger): Promise<void> {
  const server = app.getHttpServer();
  app.get(ShutdownSignal).begin();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  let budget: NodeJS.Timeout | undefined;
  try {
    const closed = app.getHttpAdapter().close() as Promise<unknown>;
    const spent = new Promise<'spent'>((resolve) => (budget = setTimeout(() => resolve('spent'), budgetMs)));
    if ((await Promise.race([closed, spent])) === 'spent') {
      logger.warn(`Connections still open after ${budgetMs} ms of draining (requests still running): closing them`);
      server.closeAllConnections();
      await closed;
    }
  } finally {
    clearInterval(sweep);
    clearTimeout(budget);
  }
}

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
  const tracing = await startTracing(config.tracing);
  if (tracing) logger.log(`Exporting traces over OTLP as service ${config.tracing.serviceName}`);
  // Imported only now: with tracing on, pg and @redis/client must load after the instrumentations.
  const [{ resolveDatabase }, { createApp }] = await Promise.all([import('./database/database-target.js'), import('./app.factory.js')]);
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
      await drainHttp(app, config.http.shutdownGraceMs / 2, logger);
      await app.close();
      await database.release();
      await tracing?.shutdown();
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
