import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { LOG_LEVELS } from './config/environment.js';
import type { ConnectionTarget } from './database/data-source-options.js';
import { buildErrorBody, HttpExceptionFilter } from './common/errors/http-exception.filter.js';
import { registerRequestContext } from './common/context/request-context.js';
import { registerRequestLogging } from './common/logging/request-log.js';
import { registerPageSerialization } from './common/pagination/page-serialization.js';
import { registerRequestTimeLimit } from './common/http/request-time-limit.js';
import { registerTurnBatching } from './common/http/turn-batching.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { ValidationFailedException } from './common/errors/validation-failed.exception.js';
import { RetryLaterException } from './common/errors/domain-errors.js';
import { buildOpenApiDocument } from './common/http/openapi.js';
import { registerRedoc } from './common/http/redoc-page.js';
import { aliasRefusal, createAliasRewriter } from './common/http/route-aliases.js';
import { registerPreRouting } from './common/http/pre-routing.js';
import { requestIdOf } from './common/http/request-id.js';
import { securityHeaders } from './common/http/security-headers.js';
import { registerOpsPage } from './ops/ops-page.js';
import { nameServerSpans } from './tracing/server-span.js';
import { RATE_LIMIT_LIMIT_HEADER, RATE_LIMIT_REMAINING_HEADER } from './common/http/rate-limit-headers.js';
import { TOTAL_COUNT_HEADER } from './common/pagination/page-serialization.js';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency/idempotency.interceptor.js';

export function createLogger(config: AppConfig): ConsoleLogger {
  const levels = LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.log.level) + 1);
  return new ConsoleLogger({ json: config.log.json, logLevels: levels, colors: !config.log.json && process.stdout.isTTY });
}

function setUpSwagger(app: NestFastifyApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  registerRedoc(app, '/docs-json');
}

/**
 * A request for an alias that could not be rewritten (GET /real-time/delivery-slots without
 * restaurant_id, or with another query parameter): a 400 naming the field, as for any bad field.
 */
function refuseIncompleteAliases(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const refusal = aliasRefusal(request.raw);
      if (refusal === undefined) return done();
      const body = buildErrorBody(ValidationFailedException.single(refusal.field, refusal.rule, refusal.message), request);
      void reply.status(body.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
    });
}

/** A client refused while this instance closes retries after this long (on another instance, behind a balancer). */
const CLOSING_RETRY_AFTER_SECONDS = 1;

/**
 * Once the server closes (draining for shutdown), a request that still arrives on a keep-alive
 * connection not closed yet is answered 503 in the one error shape, with Retry-After
 * and Connection: close, instead of Fastify's own closing answer, whose body is not an ErrorBody.
 */
function refuseWhileClosing(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!closing) return done();
    const refusal = new RetryLaterException('This instance is shutting down: retry the request', CLOSING_RETRY_AFTER_SECONDS);
    const body = buildErrorBody(refusal, request);
    void reply
      .status(body.status)
      .header('retry-after', String(refusal.retryAfterSeconds))
      .header('connection', 'close')
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(body));
  });
}

/** Builds the app exactly as production runs it; tests call this too. */
export async function createApp(config: AppConfig, database: ConnectionTarget): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    genReqId: (request: IncomingMessage) => requestIdOf(request.headers),
    // Requests that arrive while the server closes are answered by refuseWhileClosing, in the API's error shape.
    return503OnClosing: false,
    // A malformed URL (400) or an over-long path parameter (414) is refused by the router before
    // any Nest filter or hook runs: answered here in the one error shape, with its request id.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const body = buildErrorBody(error, request);
      void reply
        .status(body.status)
        .header('x-request-id', request.id)
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify(body));
    },
    // Receiving a request may take no longer than handling one (slow-loris clients).
    requestTimeout: config.http.requestTimeoutMs,
    // Fastify takes a hop count here (proxy-addr); the adapter's option type omits numbers.
    trustProxy: (config.http.trustProxyHops > 0 ? config.http.trustProxyHops : false) as boolean,
    // The seeds' paths end in "/" (POST /restaurants/); both spellings reach the same route.
    routerOptions: { ignoreTrailingSlash: true },
    // The app registers no Nest middleware: without middie, no request runs its onRequest hook
    // (middleware added later would fail at start-up, when Fastify has no `use`, not silently).
    skipMiddie: true,
    // Paths of earlier versions reach their canonical routes (src/common/http/route-aliases.ts).
    rewriteUrl: createAliasRewriter(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, database), adapter, {
    logger: createLogger(config),
    bufferLogs: false,
    // The API reads JSON only, with Fastify's own parser: Nest's form parser and Fastify's text
    // parser would turn other bodies into 400s instead of 415s.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  const security = securityHeaders();
  // Before the providers' init and the hooks below: the cache's fast path answers through it, and the
  // request log, metrics and tracing observe it.
  registerPreRouting(fastify, security, { cors: Boolean(config.http.corsOrigins) });
  // First: every onRequest hook after it, the cache's fast path included, runs batched with the rest of its turn.
  registerTurnBatching(fastify);
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  registerRequestTimeLimit(fastify, config.http.requestTimeoutMs);
  registerRequestContext(fastify);
  registerPageSerialization(fastify);
  // Set on Fastify's reply, not on the raw response as helmet does: a header set on the raw
  // response makes Node validate every header of the answer twice (once more as it merges
  // Fastify's into them). Event streams still carry them: Nest writes the reply's headers into
  // the stream's head.
  const headers = Object.fromEntries(security);
  fastify.addHook('onRequest', (request, reply, done) => {
    // Fastify keeps a reply's headers when an error answers instead, so every answer has both.
    reply.headers(headers).header('x-request-id', request.id);
    done();
  });
  if (config.http.corsOrigins) {
    app.enableCors({
      origin: config.http.corsOrigins === '*' ? '*' : config.http.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      // What a browser on another origin may send (a write's retry key included) and read beyond
      // the CORS-safelisted headers (Age: how old a cached answer is).
      allowedHeaders: [
        'authorization',
        'content-type',
        'if-none-match',
        'traceparent',
        'tracestate',
        'x-request-id',
        IDEMPOTENCY_KEY_HEADER,
      ].map((name) => name.toLowerCase()),
      exposedHeaders: [
        'age',
        'etag',
        'retry-after',
        'x-cache',
        RATE_LIMIT_LIMIT_HEADER,
        RATE_LIMIT_REMAINING_HEADER,
        'x-request-id',
        TOTAL_COUNT_HEADER,
      ].map((name) => name.toLowerCase()),
      maxAge: 600,
    });
  }
  registerRequestLogging(fastify, config);
  refuseWhileClosing(app);
  refuseIncompleteAliases(app);
  // Before app.init(): the cache fast path's hook, added during init, may answer and end the chain.
  nameServerSpans(fastify);
  if (config.swagger.enabled) setUpSwagger(app);
  registerOpsPage(app);
  await app.init();
  return app;
}
