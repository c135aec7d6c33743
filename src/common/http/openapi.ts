import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorBody } from '../errors/error-body.js';
import { MAX_ID } from '../validation/parse-id.pipe.js';
import { API_TAGS } from './api-tags.js';
import { BEARER_SCHEME } from './openapi-security.js';
import { closeSchemas } from './closed-schema.js';
import { ERROR_DESCRIPTIONS, errorHeaders, RATE_LIMIT_HEADERS } from './api-errors.decorator.js';
import { openApiPath, PREFIX_ALIASES, ROUTE_ALIASES, type RouteAlias } from './route-aliases.js';

type PathItemObject = OpenAPIObject['paths'][string];
type OperationObject = NonNullable<PathItemObject['get']>;
type ParameterObject = Extract<NonNullable<OperationObject['parameters']>[number], { in: string }>;
type ResponseObject = Extract<OperationObject['responses'][string], { description: string }>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];

const RATE_LIMIT_HEADER_REFS = Object.fromEntries(
  Object.keys(RATE_LIMIT_HEADERS).map((name) => [name, { $ref: `#/components/headers/${name}` }]),
);

/** Path parameters that name a row: every one goes through ParseIdPipe. */
const ID_PARAMETER = /^(id|[a-z]+_id)$/;

const errorResponse = (status: number): ResponseObject => ({
  description: ERROR_DESCRIPTIONS[status] ?? 'Error',
  ...(errorHeaders(status) as Pick<ResponseObject, 'headers'>),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

function* operationsOf(document: OpenAPIObject): Generator<[string, Method, OperationObject]> {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) yield [path, method, operation];
    }
  }
}

/**
 * What every operation states the same way: who may call it (the `x-access` the access decorators
 * record, first in its description), what its id parameters accept (ParseIdPipe's int4 range), and
 * the errors every route that reaches Nest can answer: 429 from the rate limits (a global guard),
 * 503 when the database is unavailable or the request outlives its time limit, 400 where it takes
 * any parameter or body, and 413 and 415 where it takes a body; and on every answer, the rate
 * limit's headers. Public operations say that they need no credentials (`security: []`).
 */
function documentOperations(document: OpenAPIObject): void {
  document.components = { ...document.components, headers: { ...document.components?.headers, ...structuredClone(RATE_LIMIT_HEADERS) } };
  for (const [, , operation] of operationsOf(document)) {
    const access = (operation as { 'x-access'?: string })['x-access'];
    if (typeof access === 'string') {
      operation.description = [`**Who may call it:** ${access}.`, operation.description].filter(Boolean).join('\n\n');
    }
    const parameters = (operation.parameters ?? []) as ParameterObject[];
    for (const parameter of parameters) {
      if (parameter.in === 'path' && ID_PARAMETER.test(parameter.name)) {
        parameter.schema = { type: 'integer', minimum: 1, maximum: MAX_ID };
      }
    }
    if (!operation.security) operation.security = [];
    const statuses = [429, 503];
    if (parameters.some((p) => p.in === 'path' || p.in === 'query') || operation.requestBody) statuses.push(400);
    if (operation.requestBody) statuses.push(413, 415);
    for (const status of statuses) operation.responses[status] ??= errorResponse(status);
    for (const response of Object.values(operation.responses) as ResponseObject[]) {
      response.headers = { ...response.headers, ...RATE_LIMIT_HEADER_REFS };
    }
    operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** The copy of a canonical operation that documents one of its aliases. */
function aliasOperation(
  canonicalPath: string,
  method: Method,
  canonical: OperationObject,
  alias: RouteAlias | undefined,
  aliasPath: string,
): OperationObject {
  const copy = structuredClone(canonical);
  const aliasParams = new Set([...aliasPath.matchAll(/\{(\w+)\}/g)].map((match) => match[1]));
  const renamed = Object.fromEntries(Object.entries(alias?.rename ?? {}).map(([from, to]) => [to, from]));
  copy.parameters = ((copy.parameters ?? []) as ParameterObject[]).map((parameter) => {
    const name = renamed[parameter.name] ?? parameter.name;
    if (parameter.in === 'path' && !aliasParams.has(name)) return { ...parameter, in: 'query', required: true };
    if (parameter.in === 'query' && aliasParams.has(name)) return { ...parameter, name, in: 'path', required: true };
    return { ...parameter, name };
  });
  const slug = `${method}${aliasPath}`.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_');
  copy.operationId = `alias_${slug}`;
  copy.deprecated = true;
  copy.summary = `${canonical.summary ?? ''} (alias of ${method.toUpperCase()} ${canonicalPath})`.trim();
  copy.description = [
    `**Deprecated alias** of \`${method.toUpperCase()} ${canonicalPath}\`, kept for clients of an earlier version of the API: ` +
      'the request is answered by that route itself (the same handler, access rules, validation, rate limits and cache entry). ' +
      'New clients use the canonical path.',
    canonical.description,
  ]
    .filter(Boolean)
    .join('\n\n');
  return copy;
}

/**
 * Adds every alias (src/common/http/route-aliases.ts) as a deprecated copy of its canonical
 * operation, right after the canonical path, and names the aliases on the canonical operation.
 */
function documentAliases(document: OpenAPIObject): void {
  const added = new Map<string, Array<[string, PathItemObject]>>();
  // Each alias copies its canonical operation as the code describes it, before any alias is named on it.
  const originals = new Map<OperationObject, OperationObject>();
  const add = (canonicalPath: string, aliasPath: string, method: Method, alias?: RouteAlias) => {
    const canonical = (document.paths[canonicalPath] as PathItemObject | undefined)?.[method];
    if (!canonical) throw new Error(`Alias ${method.toUpperCase()} ${aliasPath}: no operation ${method.toUpperCase()} ${canonicalPath}`);
    if (!originals.has(canonical)) originals.set(canonical, structuredClone(canonical));
    // An alias may share its path with another method's canonical route (POST /customers/{id}/orders).
    let item = document.paths[aliasPath] as PathItemObject | undefined;
    if (!item) {
      const list = added.get(canonicalPath) ?? [];
      item = list.find(([path]) => path === aliasPath)?.[1];
      if (!item) list.push([aliasPath, (item = {})]);
      added.set(canonicalPath, list);
    }
    if (item[method]) throw new Error(`Alias ${method.toUpperCase()} ${aliasPath} hides a route of its own`);
    item[method] = aliasOperation(canonicalPath, method, originals.get(canonical)!, alias, aliasPath);
    canonical.description = [canonical.description, `Also answers, deprecated, at \`${method.toUpperCase()} ${aliasPath}\`.`]
      .filter(Boolean)
      .join('\n\n');
  };
  for (const alias of ROUTE_ALIASES) {
    add(openApiPath(alias.canonical), openApiPath(alias.alias), alias.method.toLowerCase() as Method, alias);
  }
  for (const prefix of PREFIX_ALIASES) {
    for (const [path, method] of [...operationsOf(document)]) {
      if (path.startsWith(prefix.canonical)) add(path, prefix.alias + path.slice(prefix.canonical.length), method);
    }
  }
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(document.paths)) {
    paths[path] = item;
    for (const [aliasPath, aliasItem] of added.get(path) ?? []) paths[aliasPath] = aliasItem;
  }
  document.paths = paths;
}

/**
 * OpenAPI 3.0 wrote an exclusive bound as `minimum` plus `exclusiveMinimum: true`; 3.1 (JSON Schema
 * 2020-12) takes the bound itself. @nestjs/swagger converts `nullable` for 3.1 but not these.
 */
function exclusiveBoundsAs2020(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(exclusiveBoundsAs2020);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  for (const [bound, flag] of [
    ['minimum', 'exclusiveMinimum'],
    ['maximum', 'exclusiveMaximum'],
  ] as const) {
    if (typeof schema[flag] === 'boolean') {
      if (schema[flag] && typeof schema[bound] === 'number') {
        schema[flag] = schema[bound];
        delete schema[bound];
      } else delete schema[flag];
    }
  }
  for (const [key, value] of Object.entries(schema)) if (key !== 'example' && key !== 'examples') exclusiveBoundsAs2020(value);
}

/** The one API document: served at /docs (Swagger UI), /docs-json and /redoc, and committed as openapi.json. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Tiffin API')
    .setDescription(
      'Food-delivery backend: restaurants, menus, customers, orders, reviews and analytics. ' +
        'Every error uses the ErrorBody shape. Lists take skip/limit and send X-Total-Count. Ids in paths and ' +
        'queries are written in canonical decimal (no sign, leading zero, exponent or spaces); any other form is a ' +
        '400. Times without a zone are read as UTC. Cache-Control: tokens and accounts no-store, every route not open ' +
        'to anyone private, no-cache, public cached routes public, max-age=<seconds their cache entry has left>. ' +
        'Paths of earlier versions of the API answer as deprecated aliases of their canonical routes.',
    )
    .setVersion('0.1.0')
    // 3.1: its schemas are JSON Schema 2020-12, so a nullable object is `anyOf: [{$ref}, {type: 'null'}]`,
    // which 3.0's `nullable` beside a `$ref` cannot say, and validators read the document as published.
    .setOpenAPIVersion('3.1.0')
    .setLicense('UNLICENSED', 'https://spdx.org/licenses/')
    .addServer('/', 'This instance')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An access token from POST /auth/login (or /auth/refresh); ADMIN_TOKEN also works and acts as an admin',
      },
      BEARER_SCHEME,
    );
  for (const { name, description } of API_TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorBody] });
  // Aliases first: their copies then get the same access line, id schemas and statuses as every operation.
  documentAliases(document);
  documentOperations(document);
  closeSchemas(document);
  exclusiveBoundsAs2020(document);
  return document;
}

/** The document as committed (openapi.json): two-space JSON with a final newline. */
export const serialiseOpenApi = (document: OpenAPIObject): string => `${JSON.stringify(document, null, 2)}\n`;
