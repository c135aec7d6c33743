import { Logger, type LogLevel, ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { LOG_LEVELS } from './config/environment.js';
import type { ConnectionTarget } from './database/data-source-options.js';
import { ADMIN_BEARER } from './common/auth/admin-token.guard.js';
import { ErrorBody } from './common/errors/error-body.js';
import { HttpExceptionFilter } from './common/errors/http-exception.filter.js';
import { RequestContextInterceptor } from './common/context/request-context.js';
import { PageInterceptor } from './common/pagination/page.interceptor.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function createLogger(config: AppConfig): ConsoleLogger {
  const levels = LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.log.level) + 1) as LogLevel[];
  return new ConsoleLogger({ json: config.log.json, logLevels: levels, colors: !config.log.json && process.stdout.isTTY });
}

/** One line per request: method, route pattern, status, duration. Never bodies or headers. */
function registerRequestLogging(app: NestFastifyApplication, config: AppConfig): void {
  const logger = new Logger('HTTP');
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const entry = {
        method: request.method,
        route,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 100) / 100,
        request_id: request.id,
      };
      if (config.log.json) logger.log(entry);
      else logger.log(`${entry.method} ${route} ${entry.status} ${entry.duration_ms}ms [${entry.request_id}]`);
      done();
    });
}

function setUpSwagger(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tiffin API')
      .setDescription(
        'Food-delivery backend: restaurants, menus, customers, orders, reviews and analytics. ' +
          'Every error uses the ErrorBody shape. Lists take skip/limit and send X-Total-Count.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN, for the operations endpoints' }, ADMIN_BEARER)
      .build(),
    { extraModels: [ErrorBody] },
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** Builds the app exactly as production runs it; tests call this too. */
export async function createApp(config: AppConfig, database: ConnectionTarget): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    // The seeds' paths end in "/" (POST /restaurants/); both spellings reach the same route.
    routerOptions: { ignoreTrailingSlash: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, database), adapter, {
    logger: createLogger(config),
    bufferLogs: false,
  });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new RequestContextInterceptor(), new PageInterceptor());
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
  registerRequestLogging(app, config);
  if (config.swagger.enabled) setUpSwagger(app);
  await app.init();
  return app;
}
