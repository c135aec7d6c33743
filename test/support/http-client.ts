import { ContractViolation, type OpenApiContract } from './openapi-contract.js';

export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export type RequestOptions = { headers?: Record<string, string>; rawBody?: string };

/** Longest path parameter the router takes (Fastify's maxParamLength); a longer one is a 414 before any route runs. */
const MAX_PARAM_LENGTH = 100;

/**
 * A small black-box HTTP client over fetch: every e2e request crosses a real socket. Given the
 * app's OpenAPI contract, it checks every answer against it and throws on a mismatch, so a
 * suite fails wherever the document and the wire part.
 */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
    readonly contract?: OpenApiContract,
  ) {}

  /** The same client, sending these headers on every request (e.g. an Authorization header). */
  with(headers: Record<string, string>): HttpClient {
    return new HttpClient(this.baseUrl, { ...this.defaultHeaders, ...headers }, this.contract);
  }

  async request<T = any>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    let payload: string | undefined = options.rawBody;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    if (this.contract) {
      const observed = { method, path, status: response.status, header: (name: string) => response.headers.get(name) ?? undefined, text };
      const sentBody = payload !== undefined;
      // The HTTP layer's refusals before any route runs (README, error model), which no operation lists.
      const verdict = this.contract.check(observed, (status) =>
        (sentBody && (status === 413 || status === 415)) ||
        (status === 414 &&
          path
            .split('?')[0]
            .split('/')
            .some((segment) => segment.length > MAX_PARAM_LENGTH))
          ? 'refused by the HTTP layer'
          : undefined,
      );
      if (verdict.problems.length > 0) throw new ContractViolation(observed, verdict);
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, undefined, options);
  }
  post<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('POST', path, body, options);
  }
  put<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PUT', path, body, options);
  }
  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, undefined, options);
  }
}
