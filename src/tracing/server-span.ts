import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { tracingEnabled } from './spans.js';
import { SERVER_SPAN, type TracedMessage } from '../common/context/trace-id.js';
import { routeOf } from '../common/http/route-paths.js';

/**
 * Names each request's server span after its route ("GET /restaurants/:id", the name the
 * OpenTelemetry HTTP conventions ask for) and records the request id on it, so a trace can be
 * found from a log line or an error body. The HTTP instrumentation alone knows only the method.
 * Registers nothing when tracing is off.
 */
export function nameServerSpans(fastify: FastifyInstance): void {
  if (!tracingEnabled()) return;
  fastify.addHook('onRequest', (request, _reply, done) => {
    nameSpan(request.raw, request.method, routeOf(request), request.id);
    done();
  });
  // The span of an answer given before routing is still open: it ends at the response's finish.
  fastify.preRouting.observe(({ request, route, requestId }) => nameSpan(request, request.method ?? 'GET', route, requestId));
}

function nameSpan(request: IncomingMessage, method: string, route: string | undefined, requestId: string): void {
  const span = (request as TracedMessage)[SERVER_SPAN];
  if (!span) return;
  if (route) span.updateName(`${method} ${route}`).setAttribute('http.route', route);
  span.setAttribute('tiffin.request_id', requestId);
}
