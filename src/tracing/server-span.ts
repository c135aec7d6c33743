import type { FastifyInstance } from 'fastify';
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
    const span = (request.raw as TracedMessage)[SERVER_SPAN];
    if (span) {
      const route = routeOf(request);
      if (route) span.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
      span.setAttribute('tiffin.request_id', request.id);
    }
    done();
  });
}
