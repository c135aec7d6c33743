import { describe, expect, it } from '@jest/globals';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { trace } from '@opentelemetry/api';
import { rememberServerSpan, traceIdFromHeader, traceIdOf } from './trace-id.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

describe('traceIdFromHeader (W3C traceparent)', () => {
  it('takes the trace id of a version-00 header, sampled or not', () => {
    expect(traceIdFromHeader(`00-${TRACE}-${PARENT}-01`)).toBe(TRACE);
    expect(traceIdFromHeader(`00-${TRACE}-${PARENT}-00`)).toBe(TRACE);
  });

  it('accepts a later version with more fields, as the specification asks', () => {
    expect(traceIdFromHeader(`01-${TRACE}-${PARENT}-01-something-new`)).toBe(TRACE);
  });

  it.each([
    ['no header', undefined],
    ['a repeated header', [`00-${TRACE}-${PARENT}-01`, `00-${TRACE}-${PARENT}-01`]],
    ['version ff', `ff-${TRACE}-${PARENT}-01`],
    ['version 00 with an extra field', `00-${TRACE}-${PARENT}-01-extra`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT}-01`],
    ['an all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${PARENT}-01`],
    ['a short trace id', `00-${TRACE.slice(1)}-${PARENT}-01`],
    ['garbage', 'hello'],
  ])('ignores %s', (_label, header) => {
    expect(traceIdFromHeader(header)).toBeUndefined();
  });
});

describe('traceIdOf', () => {
  const request = (headers: Record<string, string> = {}) => {
    const raw = new IncomingMessage(new Socket());
    return { raw, headers: { ...headers } };
  };

  it("is the server span's trace when the request is traced, whatever the header says", () => {
    const traced = request({ traceparent: `00-${TRACE}-${PARENT}-01` });
    const spanTrace = 'a'.repeat(32);
    rememberServerSpan(traced.raw, trace.wrapSpanContext({ traceId: spanTrace, spanId: 'b'.repeat(16), traceFlags: 1 }));
    expect(traceIdOf(traced)).toBe(spanTrace);
  });

  it("is the caller's trace when tracing is off, and undefined without one", () => {
    expect(traceIdOf(request({ traceparent: `00-${TRACE}-${PARENT}-01` }))).toBe(TRACE);
    expect(traceIdOf(request())).toBeUndefined();
  });
});
