import { Agent, type IncomingHttpHeaders, request as httpRequest, STATUS_CODES } from 'node:http';
import type { FuzzRequest } from './fuzz-request.js';
import type { OpenApiContract } from '../../support/openapi-contract.js';
import type { Operation } from './openapi.js';

export interface FuzzResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json?: unknown;
  /** The request path as sent. */
  sentPath: string;
}

const agent = new Agent({ keepAlive: true });

/**
 * Sends one fuzz request over node:http, which (unlike fetch) sends a body with any method and the
 * path exactly as given. A request the server does not answer within 60 s counts as a failure (a loaded machine may take 20 s to build the sample data set).
 */
export function send(baseUrl: string, request: FuzzRequest, adminToken: string): Promise<FuzzResponse> {
  const { hostname, port } = new URL(baseUrl);
  const headers: Record<string, string | number> = { ...request.headers };
  if (request.as === 'admin') headers.authorization = `Bearer ${adminToken}`;
  if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
  const path = request.path + (request.query ? `?${request.query}` : '');
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ agent, hostname, port, method: request.method, path, headers, timeout: 60_000 }, (incoming) => {
      const base = { status: incoming.statusCode ?? 0, headers: incoming.headers, sentPath: request.path };
      // A stream stays open; its headers are the answer.
      if ((incoming.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        incoming.destroy();
        resolve({ ...base, text: '' });
        return;
      }
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          const json = (incoming.headers['content-type'] ?? '').includes('json') && text ? JSON.parse(text) : undefined;
          resolve({ ...base, text, json });
        } catch (error) {
          reject(
            new Error(`${base.status} with a JSON content type but a body that is not JSON: ${text.slice(0, 200)} (${String(error)})`),
          );
        }
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 60 s')));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

const ERROR_KEYS = ['status', 'error', 'message', 'errors', 'path', 'request_id'];
const FIELD_ERROR_KEYS = ['field', 'rule', 'message'];

/** The documented error shape: {status,error,message,errors?[{field,rule,message}],path,request_id}. */
export function errorShapeProblems(response: FuzzResponse): string[] {
  const problems: string[] = [];
  if (!(response.headers['content-type'] ?? '').startsWith('application/json'))
    problems.push(`error content-type ${response.headers['content-type']}`);
  const body = response.json as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return [...problems, `error body is not an object: ${response.text.slice(0, 200)}`];
  const extra = Object.keys(body).filter((key) => !ERROR_KEYS.includes(key));
  if (extra.length > 0) problems.push(`error body has undocumented keys ${extra.join(', ')}`);
  if (body.status !== response.status) problems.push(`error status ${String(body.status)} differs from HTTP ${response.status}`);
  if (body.error !== STATUS_CODES[response.status])
    problems.push(`error "${String(body.error)}" is not the reason phrase of ${response.status}`);
  if (typeof body.message !== 'string' || body.message === '') problems.push('error message missing');
  if (body.path !== response.sentPath)
    problems.push(`error path ${JSON.stringify(body.path)} is not the request path ${response.sentPath}`);
  if (typeof body.request_id !== 'string' || body.request_id !== response.headers['x-request-id'])
    problems.push('request_id missing or not the X-Request-Id header');
  if (body.errors !== undefined) {
    if (!Array.isArray(body.errors) || body.errors.length === 0) problems.push('errors present but not a non-empty array');
    else
      for (const entry of body.errors as Record<string, unknown>[]) {
        const keys = entry && typeof entry === 'object' ? Object.keys(entry) : [];
        if (keys.length !== 3 || !FIELD_ERROR_KEYS.every((key) => typeof entry[key] === 'string'))
          problems.push(`malformed field error ${JSON.stringify(entry)}`);
      }
  }
  return problems;
}

/** Statuses an operation may answer beyond its documented ones, each with the reason (reported to the lead). */
export type ExtraStatuses = (op: Operation, request: FuzzRequest, status: number) => string | undefined;

/** Everything wrong with one answer to one fuzz request. */
export function judge(
  contract: OpenApiContract,
  op: Operation,
  request: FuzzRequest,
  response: FuzzResponse,
  extraStatuses: ExtraStatuses,
): string[] {
  const { status } = response;
  const problems: string[] = [];
  if (status >= 500) problems.push(`${status}: ${response.text.slice(0, 300)}`);
  const stream = (response.headers['content-type'] ?? '').startsWith('text/event-stream');
  // Status, content type, body schema and documented headers, as every e2e client checks them.
  const verdict = contract.check(
    {
      method: request.method,
      path: request.path + (request.query ? `?${request.query}` : ''),
      status,
      header: (name) => {
        const value = response.headers[name];
        return Array.isArray(value) ? value.join(', ') : value;
      },
      text: stream ? undefined : response.text,
    },
    (answered) => extraStatuses(op, request, answered),
  );
  problems.push(...verdict.problems);
  if (!verdict.operation && !op.responses.has(status) && !extraStatuses(op, request, status))
    problems.push(`status ${status} is not documented for ${op.method} ${op.path}`);
  if (status >= 400) problems.push(...errorShapeProblems(response));
  if (status === 304 && !request.headers['if-none-match']) problems.push('304 without If-None-Match');
  if (request.expect) {
    const allowedForAnonymous = request.as === 'anonymous' && (status === 401 || status === 403) && request.expect.status === 400;
    if (status !== request.expect.status && !allowedForAnonymous) {
      problems.push(
        `breaks "${request.expect.breaks}" (field ${request.expect.field ?? '-'}) but got ${status}, not ${request.expect.status}: ${response.text.slice(0, 200)}`,
      );
    } else if (status === 400 && request.expect.field !== undefined) {
      const target = request.expect.field;
      const fields = ((response.json as { errors?: { field: string }[] })?.errors ?? []).map((entry) => entry.field);
      const named = fields.some((field) => field === target || field.startsWith(`${target}.`) || target.startsWith(`${field}.`));
      if (!named) problems.push(`400 for "${request.expect.breaks}" of ${target} names ${JSON.stringify(fields)} instead`);
    }
  }
  return problems;
}
