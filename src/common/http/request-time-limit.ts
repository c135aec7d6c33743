import { ServiceUnavailableException } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { performance } from 'node:perf_hooks';
import { buildErrorBody } from '../errors/http-exception.filter.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's own time limit in ms (@TimeLimit), instead of REQUEST_TIMEOUT_MS. */
    timeLimitMs?: number;
  }
}

/** How often waiting requests are looked at, as a share of the shortest limit, and its bounds in ms. */
const CHECKS_PER_LIMIT = 10;
const MIN_CHECK_INTERVAL_MS = 5;
const MAX_CHECK_INTERVAL_MS = 1000;

/**
 * A route whose work is bulk by design (e.g. building the sample data set) gets this limit instead
 * of REQUEST_TIMEOUT_MS. On a handler: it is the route's Fastify config, which Nest takes from the
 * handler only (and a handler's @RouteConfig would replace it).
 */
export const TimeLimit = (ms: number): MethodDecorator => RouteConfig({ timeLimitMs: ms });

/**
 * Answers 503 with Retry-After when a request has not been answered within its limit, so a client
 * is never left waiting on a stuck dependency. The handler's work is not cancelled (a committed
 * write stays committed, and its Idempotency-Key records it); when it ends, its answer is dropped.
 * A response whose head was sent (an event stream) is answering already and is left alone.
 *
 * One timer looks at the waiting requests a tenth of the shortest limit apart (at most a second):
 * a request costs an insertion into and a removal from one ordered map, not a timer of its own or
 * the observable layer a global Nest interceptor adds to every route, so a 503 comes up to that
 * interval after the limit. The clock starts when the route's handler chain starts (after the body
 * is read, which Fastify's requestTimeout bounds).
 */
export function registerRequestTimeLimit(fastify: FastifyInstance, defaultLimitMs: number): void {
  // In order of start: the oldest first, so a look stops at the first request still within every limit.
  const waiting = new Map<FastifyReply, number>();
  let shortestMs = defaultLimitMs;
  let timer: NodeJS.Timeout | undefined;

  const limitOf = (reply: FastifyReply): number => reply.request.routeOptions.config.timeLimitMs ?? defaultLimitMs;

  const answerLate = (reply: FastifyReply, limitMs: number): void => {
    const refusal = new ServiceUnavailableException(`The request did not complete within ${limitMs} ms; retry later`);
    void reply
      .status(503)
      .header('retry-after', '1')
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(buildErrorBody(refusal, reply.request)));
  };

  const look = (): void => {
    const now = performance.now();
    for (const [reply, startedAt] of waiting) {
      const waited = now - startedAt;
      if (waited < shortestMs) return;
      if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) {
        waiting.delete(reply);
        continue;
      }
      const limitMs = limitOf(reply);
      if (waited < limitMs) continue;
      waiting.delete(reply);
      answerLate(reply, limitMs);
    }
  };

  fastify.addHook('onRoute', (route) => {
    const own = route.config?.timeLimitMs;
    if (own !== undefined) shortestMs = Math.min(shortestMs, own);
  });
  fastify.addHook('preHandler', (_request, reply, done) => {
    waiting.set(reply, performance.now());
    timer ??= setInterval(
      look,
      Math.min(MAX_CHECK_INTERVAL_MS, Math.max(MIN_CHECK_INTERVAL_MS, Math.floor(shortestMs / CHECKS_PER_LIMIT))),
    ).unref();
    done();
  });
  fastify.addHook('onResponse', (_request, reply, done) => {
    waiting.delete(reply);
    done();
  });
  fastify.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    waiting.clear();
    done();
  });
}
