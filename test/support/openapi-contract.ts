import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/*
 * The OpenAPI document as a contract every answer the tests receive must keep: the status is one
 * the operation lists, the content type is one documented for that status, the body matches the
 * documented schema (Ajv, JSON Schema 2020-12: the dialect of OpenAPI 3.1 schemas, validated as
 * the document states them, with no conversion), and documented response headers are present when
 * required and match their schemas. Requests to paths the document does not describe (e.g. an
 * unknown route's 404, /docs itself) are not judged here.
 */

// ajv-formats is CommonJS with `exports.default`; under ESM interop the function may sit one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

type JsonSchema = Record<string, unknown>;

interface MediaType {
  schema?: JsonSchema;
}
interface HeaderObject {
  required?: boolean;
  schema?: JsonSchema;
}
interface HeaderReference {
  $ref: string;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
  headers?: Record<string, HeaderObject | HeaderReference>;
}
interface OperationObject {
  operationId?: string;
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  openapi: string;
  /** Operations under their methods, and the path item's other fields (parameters, summary), which are skipped. */
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema>; headers?: Record<string, HeaderObject> };
}

/** One answer, as any client saw it. */
export interface ObservedResponse {
  method: string;
  /** The path as sent, query included or not. */
  path: string;
  status: number;
  /** Header lookup by lower-case name. */
  header(name: string): string | undefined;
  /** The body as text; undefined when the client did not read it (an event stream left open). */
  text: string | undefined;
}

/** A status the operation does not list, answered by the HTTP layer before any route runs (with the reason), or undefined. */
export type StatusAllowance = (status: number) => string | undefined;

export interface Verdict {
  /** `METHOD /templated/path`, or undefined when the document has no such operation. */
  operation?: string;
  problems: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const ROOT = 'https://tiffin.invalid/openapi.json';
const OPENAPI_ANNOTATIONS = ['example', 'xml', 'externalDocs', 'discriminator'];

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  /** Literal segments first: `/cache/stats/detailed` wins over `/cache/stats/{name}`. */
  params: number;
  operation: OperationObject;
}

function mediaBase(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string'
        ? value.replace(/^#\/components\/schemas\//, `${ROOT}#/$defs/`)
        : key === 'example' || key === 'examples'
          ? value
          : rewriteRefs(value),
    ]),
  );
}

export class OpenApiContract {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[] = [];
  private readonly validators = new Map<JsonSchema, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    if (!document.openapi.startsWith('3.1'))
      throw new Error(`OpenAPI ${document.openapi}: the contract reads 3.1 documents (JSON Schema 2020-12)`);
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(this.ajv);
    // Formats that only hint a UI (a password field): any string.
    this.ajv.addFormat('password', true);
    // OpenAPI's annotations and its `x-` extensions (e.g. x-enumNames) say nothing about the value.
    this.ajv.addVocabulary([...OPENAPI_ANNOTATIONS, ...extensionKeys(document)]);
    this.ajv.addSchema({ $id: ROOT, $defs: rewriteRefs(document.components?.schemas ?? {}) as JsonSchema });
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
        this.routes.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}/?$`),
          params: (template.match(/\{/g) ?? []).length,
          operation: operation as OperationObject,
        });
      }
    }
    this.routes.sort((a, b) => a.params - b.params);
  }

  /** Every operation: `{ method, path, operation }`. */
  operations(): { method: string; path: string; operation: OperationObject }[] {
    return this.routes.map((route) => ({ method: route.method, path: route.template, operation: route.operation }));
  }

  /** Compiles every response body and header schema now (Ajv's strict mode refuses a malformed one): the errors, by operation. */
  compileAll(): string[] {
    const errors: string[] = [];
    for (const route of this.routes) {
      for (const [status, response] of Object.entries(route.operation.responses)) {
        const schemas = [
          ...Object.entries(response.content ?? {}).map(([media, content]) => [media, content.schema] as const),
          ...Object.entries(response.headers ?? {}).map(([name, header]) => [`header ${name}`, this.resolveHeader(header).schema] as const),
        ];
        for (const [what, schema] of schemas) {
          if (!schema) continue;
          try {
            this.validator(schema);
          } catch (error) {
            errors.push(`${route.method} ${route.template} ${status} ${what}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }
    }
    return errors;
  }

  private route(method: string, path: string): Route | undefined {
    const bare = path.split('?')[0].split('#')[0];
    return this.routes.find((route) => route.method === method.toUpperCase() && route.pattern.test(bare));
  }

  private validator(schema: JsonSchema): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema) as JsonSchema);
      this.validators.set(schema, validate);
    }
    return validate;
  }

  /** What is wrong with one answer, measured against the document. */
  check(response: ObservedResponse, allowance?: StatusAllowance): Verdict {
    const route = this.route(response.method, response.path);
    if (!route) return { problems: [] };
    const operation = `${route.method} ${route.template}`;
    const problems: string[] = [];
    const documented =
      route.operation.responses[String(response.status)] ??
      route.operation.responses[`${String(response.status)[0]}XX`] ??
      route.operation.responses.default;
    if (!documented) {
      if (!allowance?.(response.status)) {
        problems.push(
          `status ${response.status} is not documented for ${operation} (documented: ${Object.keys(route.operation.responses).join(', ')})`,
        );
      }
      return { operation, problems };
    }
    const contentType = response.header('content-type');
    const media = documented.content ?? {};
    const mediaTypes = Object.keys(media);
    const hasBody = response.text !== undefined ? response.text.length > 0 : contentType !== undefined;
    if (mediaTypes.length === 0) {
      if (hasBody) problems.push(`${response.status} has a body (${contentType ?? 'no content type'}) where the document describes none`);
    } else if (!contentType) {
      if (hasBody || response.status !== 304) problems.push(`${response.status} has no content type; documented: ${mediaTypes.join(', ')}`);
    } else {
      const base = mediaBase(contentType);
      const key = mediaTypes.find((candidate) => mediaBase(candidate) === base);
      if (!key) problems.push(`${response.status} sent as ${contentType}; documented: ${mediaTypes.join(', ')}`);
      else problems.push(...this.bodyProblems(media[key], base, response));
    }
    for (const [name, reference] of Object.entries(documented.headers ?? {})) {
      const header = this.resolveHeader(reference);
      const value = response.header(name.toLowerCase());
      if (value === undefined) {
        if (header.required) problems.push(`required header ${name} is missing`);
        continue;
      }
      if (header.schema) problems.push(...this.headerProblems(name, header.schema, value));
    }
    return { operation, problems };
  }

  private bodyProblems(media: MediaType, base: string, response: ObservedResponse): string[] {
    if (!media.schema || response.text === undefined) return [];
    let value: unknown = response.text;
    if (base === 'application/json' || base.endsWith('+json')) {
      try {
        value = JSON.parse(response.text);
      } catch {
        return [`${response.status} is declared JSON but is not: ${response.text.slice(0, 120)}`];
      }
    } else if (base === 'text/event-stream') {
      // The schema describes one event; every complete event read so far is checked against it.
      return parseEvents(response.text).flatMap((event, index) => this.schemaProblems(media.schema!, event, `event[${index}]`));
    }
    return this.schemaProblems(media.schema, value, 'body');
  }

  /** A header as documented, following a `#/components/headers/...` reference. */
  private resolveHeader(header: HeaderObject | HeaderReference): HeaderObject {
    if (!('$ref' in header)) return header;
    const name = header.$ref.replace(/^#\/components\/headers\//, '');
    const resolved = this.document.components?.headers?.[name];
    if (!resolved) throw new Error(`header reference ${header.$ref} names no header under components.headers`);
    return resolved;
  }

  private headerProblems(name: string, schema: JsonSchema, raw: string): string[] {
    const resolved = (schema.$ref ? undefined : schema) ?? {};
    const numeric = resolved.type === 'integer' || resolved.type === 'number';
    const value = numeric && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    return this.schemaProblems(schema, value, `header ${name}`);
  }

  schemaProblems(schema: JsonSchema, value: unknown, where: string): string[] {
    const validate = this.validator(schema);
    if (validate(value)) return [];
    return (validate.errors ?? [])
      .slice(0, 8)
      .map(
        (error: ErrorObject) =>
          `${where}${error.instancePath} ${error.message}${describeParams(error)} (schema ${error.schemaPath}); value ${JSON.stringify(valueAt(value, error.instancePath))?.slice(0, 160)}`,
      );
  }
}

/**
 * The complete events of an event-stream text (comments and a trailing partial event left out),
 * as `{event, data, retry?, id?}` with `data` parsed as JSON when it is JSON.
 */
export function parseEvents(text: string): Record<string, unknown>[] {
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  blocks.pop();
  const events: Record<string, unknown>[] = [];
  for (const block of blocks) {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      fields[name] = name === 'data' && fields.data !== undefined ? `${fields.data}\n${value}` : value;
    }
    if (fields.data === undefined) continue;
    let data: unknown = fields.data;
    try {
      data = JSON.parse(fields.data);
    } catch {
      // Not JSON: the schema judges the text as it is.
    }
    events.push({
      event: fields.event ?? 'message',
      data,
      ...(fields.retry !== undefined ? { retry: Number(fields.retry) } : {}),
      ...(fields.id !== undefined ? { id: fields.id } : {}),
    });
  }
  return events;
}

function extensionKeys(node: unknown, found = new Set<string>()): string[] {
  if (Array.isArray(node)) node.forEach((item) => extensionKeys(item, found));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) found.add(key);
      if (key !== 'example' && key !== 'examples') extensionKeys(value, found);
    }
  }
  return [...found];
}

function describeParams(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if ('allowedValues' in params) return ` ${JSON.stringify(params.allowedValues)}`;
  if ('additionalProperty' in params) return ` "${String(params.additionalProperty)}"`;
  return '';
}

function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const segment of pointer.split('/').slice(1)) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current;
}

/** Thrown by a client whose answer does not match the document. */
export class ContractViolation extends Error {
  constructor(response: ObservedResponse, verdict: Verdict) {
    super(
      `${response.method} ${response.path} answered ${response.status}, which the OpenAPI document (${verdict.operation}) does not describe:\n  - ${verdict.problems.join('\n  - ')}\n  body: ${(response.text ?? '').slice(0, 300)}`,
    );
    this.name = 'ContractViolation';
  }
}
