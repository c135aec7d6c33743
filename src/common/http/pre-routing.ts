import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { LearnedCorsHeaders } from './learned-cors-headers.js';
import { requestIdOf } from './request-id.js';

/** An answer given to a GET before Fastify sees the request. */
export interface EarlyAnswer {
  status: number;
  /** The route pattern it answers for (`/restaurants/:id`), as the request log and the metrics name it. */
  route: string;
  /** Its own headers as name/value pairs in one flat list, Content-Length included; see {@link PreRouting} for the rest. */
  headers: string[];
  body?: Buffer;
}

/** What every answer reports (its log line, its metrics, its span), for an answer given before routing. */
export interface EarlyAnswered {
  request: IncomingMessage;
  route: string;
  status: number;
  requestId: string;
  /** From the moment the request reached the listener to the end of the write. */
  durationMs: number;
}

/**
 * Finds an answer for a GET without Fastify's routing: undefined (or a promise of undefined)
 * hands the request on to Fastify, as if nothing had looked at it.
 */
export type EarlyAnswerer = (request: IncomingMessage) => EarlyAnswer | Promise<EarlyAnswer | undefined> | undefined;

declare module 'fastify' {
  interface FastifyInstance {
    /** Answers given before routing, and what observes them ({@link PreRouting}). */
    preRouting: PreRouting;
  }
}

/**
 * A stage in front of Fastify: the server's request listener first asks one answerer (the cache's
 * fast path) whether it can answer a GET at once, and only hands the request to Fastify when it
 * cannot. An answer given here skips Fastify's request and reply objects, its router and the
 * chain of about fifteen hooks that every routed request runs, which is most of what a cache hit
 * cost beyond what Node itself pays to read and write it.
 *
 * What every answer carries is kept: the security headers and the request id (the caller's, or a
 * new one) are added to the answer's own headers here, and the observers registered by the request
 * log, the HTTP metrics and the tracing get each answer as their Fastify hooks get routed ones.
 * Observers run right after the write, before the response's `finish` event.
 *
 * With CORS on, an answer also carries the CORS headers @fastify/cors gave routed answers to the
 * same Origin ({@link LearnedCorsHeaders}); a request from an Origin not seen yet is routed. Once
 * the server closes, every request goes through Fastify, which refuses it in the API's error shape.
 */
export class PreRouting {
  private answerer?: EarlyAnswerer;
  private readonly observers: ((answered: EarlyAnswered) => void)[] = [];
  private closing = false;

  constructor(
    private readonly commonHeaders: readonly string[],
    private readonly cors?: LearnedCorsHeaders,
  ) {}

  /** The one answerer asked first; an app has one. */
  answerWith(answerer: EarlyAnswerer): void {
    if (this.answerer) throw new Error('pre-routing already has an answerer');
    this.answerer = answerer;
  }

  observe(observer: (answered: EarlyAnswered) => void): void {
    this.observers.push(observer);
  }

  /**
   * Puts this stage in front of Fastify's listener on its server. Fastify creates the server with
   * its timeouts and limits set; wrapping the listener keeps them (a `serverFactory` server would
   * not get them).
   */
  install(fastify: FastifyInstance): void {
    const server = fastify.server;
    const listeners = server.listeners('request');
    if (listeners.length !== 1) throw new Error(`expected Fastify's one request listener, found ${listeners.length}`);
    const routed = listeners[0] as RequestListener;
    server.removeListener('request', routed);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.dispatch(request, response, routed));
    fastify.addHook('preClose', (done) => {
      this.closing = true;
      done();
    });
  }

  private dispatch(request: IncomingMessage, response: ServerResponse, routed: RequestListener): void {
    const answerer = this.answerer;
    if (this.closing || request.method !== 'GET' || !answerer) return routed(request, response);
    const cors = this.cors ? this.cors.for(request.headers.origin) : NO_HEADERS;
    if (!cors) return routed(request, response);
    const started = performance.now();
    let answer: ReturnType<EarlyAnswerer>;
    try {
      answer = answerer(request);
    } catch {
      // A bug in the answerer: Fastify answers instead (a throw in a request listener is uncaught).
      return routed(request, response);
    }
    if (answer === undefined) return routed(request, response);
    if (!(answer instanceof Promise)) return this.send(request, response, answer, cors, started, routed);
    answer.then(
      (found) => (found && !this.closing ? this.send(request, response, found, cors, started, routed) : routed(request, response)),
      () => routed(request, response),
    );
  }

  private send(
    request: IncomingMessage,
    response: ServerResponse,
    answer: EarlyAnswer,
    cors: string[],
    started: number,
    routed: RequestListener,
  ): void {
    try {
      const requestId = requestIdOf(request.headers);
      response.writeHead(answer.status, this.commonHeaders.concat('x-request-id', requestId, cors, answer.headers));
      response.end(answer.body);
      if (this.observers.length === 0) return;
      const answered: EarlyAnswered = {
        request,
        route: answer.route,
        status: answer.status,
        requestId,
        durationMs: performance.now() - started,
      };
      for (const observer of this.observers) observer(answered);
    } catch {
      // A bug (a header Node refuses, an observer that throws) must not take the process down: a
      // throw in a request listener is uncaught. Fastify answers if nothing was written yet.
      if (response.headersSent) response.destroy();
      else routed(request, response);
    }
  }
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

const NO_HEADERS: string[] = [];

/**
 * Creates the stage and makes it `fastify.preRouting` for the app's providers (the cache's fast
 * path answers through it; the request log, metrics and tracing observe it).
 */
export function registerPreRouting(fastify: FastifyInstance, commonHeaders: [string, string][], { cors }: { cors: boolean }): PreRouting {
  const learned = cors ? new LearnedCorsHeaders() : undefined;
  learned?.learnFrom(fastify);
  const preRouting = new PreRouting(commonHeaders.flat(), learned);
  fastify.decorate('preRouting', preRouting);
  preRouting.install(fastify);
  return preRouting;
}
