import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * With tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT, as in every in-process suite) the app exports
 * nothing, but a caller's W3C trace still reaches the error body. The spans themselves are
 * checked against the built app in test/faults/traces.fault-spec.ts.
 */
describe('trace ids with tracing off', () => {
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("puts the caller's trace id next to the request id in an error body", async () => {
    const response = await t.http.get('/restaurants/not-a-number', { headers: { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ request_id: response.headers.get('x-request-id'), trace_id: TRACE });
  });

  it('leaves trace_id out when the caller sent no valid traceparent', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` },
      { traceparent: 'not-a-trace' },
    ]) {
      const response = await t.http.get('/no-such-route', { headers });
      expect(response.status).toBe(404);
      expect(Object.keys(response.body)).toEqual(['status', 'error', 'message', 'path', 'request_id']);
    }
  });

  it('documents trace_id as an optional field of ErrorBody', async () => {
    const schema = (await t.admin.get('/docs-json')).body.components.schemas.ErrorBody;
    expect(schema.properties.trace_id).toMatchObject({ type: 'string' });
    expect(schema.required).toContain('request_id');
    expect(schema.required).not.toContain('trace_id');
  });
});
