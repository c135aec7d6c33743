import { type Attributes, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Whether traces are exported. Set once by {@link markTracingStarted} before the app is loaded;
 * while false every helper here runs the work as it is, without touching the OpenTelemetry API,
 * so the cached read path pays one boolean test.
 */
let started = false;

export function markTracingStarted(): void {
  started = true;
}

export function tracingEnabled(): boolean {
  return started;
}

const tracer = () => trace.getTracer('tiffin');

/**
 * Runs `work` inside a child span of the current one, ends it when the work settles, marks it
 * failed if the work throws and lets `describe` add attributes from the result. Calls made inside
 * (Postgres, Redis) become its children. Without tracing: `work()` alone.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
  describe?: (result: T, span: Span) => void,
): Promise<T> {
  if (!started) return work();
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      const result = await work();
      describe?.(result, span);
      return result;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span for something already decided synchronously (an L1 hit): it starts and ends now. */
export function recordSpan(name: string, attributes: Attributes): void {
  if (!started) return;
  tracer().startSpan(name, { attributes }, context.active()).end();
}
