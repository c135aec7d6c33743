import { IncomingMessage } from 'node:http';
import { register } from 'node:module';
import type { TracingConfig } from '../config/app-config.js';
import { redisStatement } from './redis-statement.js';
import { markTracingStarted } from './spans.js';
import { rememberServerSpan } from '../common/context/trace-id.js';

export interface Tracing {
  /** Exports the spans still buffered and stops; called last when the process shuts down. */
  shutdown(): Promise<void>;
}

/** Probes and scrapes arrive every few seconds and say nothing about a request: no traces. */
const UNTRACED_PATHS = new Set(['/health', '/health/ready', '/metrics']);

/**
 * Starts OpenTelemetry when an OTLP endpoint is configured; otherwise loads none of it and
 * returns undefined. Must run before the app's modules are imported: the Postgres and Redis
 * instrumentations patch `pg` and `@redis/client` as they load, through Node's require hook
 * (CommonJS) and the import-in-the-middle loader hook registered here (ES modules).
 *
 * Everything else comes from the standard OTEL_* variables, read by the SDK itself: the
 * endpoint and headers, the protocol (OTEL_EXPORTER_OTLP_PROTOCOL, default http/protobuf), the
 * sampler, resource attributes, propagators (default W3C tracecontext and baggage).
 */
export async function startTracing(config: TracingConfig): Promise<Tracing | undefined> {
  if (!config.exporting) return undefined;
  // Only modules an instrumentation asks for are wrapped by the loader hook, not every import.
  const { createAddHookMessageChannel } = await import('import-in-the-middle');
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const [{ NodeSDK }, { HttpInstrumentation }, { PgInstrumentation }, { RedisInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-redis'),
  ]);
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    // Traces only: metrics are Prometheus' (/metrics), and the app writes its logs to stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]),
        // Called for outgoing requests too (a ClientRequest): only incoming ones are remembered.
        requestHook: (span, request) => {
          if (request instanceof IncomingMessage) rememberServerSpan(request, span);
        },
      }),
      // Statements and commands outside a request (start-up, timers, other instances' pub/sub
      // acknowledgements) would each start a trace of one span: only those inside a trace count.
      new PgInstrumentation({ requireParentSpan: true }),
      new RedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: redisStatement }),
    ],
  });
  sdk.start();
  await waitForAllMessagesAcknowledged();
  markTracingStarted();
  return { shutdown: () => sdk.shutdown() };
}
