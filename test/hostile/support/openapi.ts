/*
 * The parts of an OpenAPI 3.1 document the fuzz reads: operations, their parameters, bodies and
 * responses. Schemas are followed through `$ref` and single-element `allOf` (how @nestjs/swagger
 * writes a referenced enum with an example), and JSON Schema 2020-12's ways of saying "or null"
 * and exclusive bounds are read back into the `nullable` and `exclusiveMinimum` flags the
 * generators use.
 */

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  anyOf?: Schema[];
  type?: JsonType;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  example?: unknown;
  default?: unknown;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
}

interface RawOperation {
  operationId: string;
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Schema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The templated path, e.g. `/restaurants/{id}`. */
  path: string;
  params: Parameter[];
  body?: { required: boolean; schema: Schema };
  /** Documented statuses, each with its JSON schema when it has one. */
  responses: Map<number, Schema | undefined>;
  /** Needs the admin token according to the document. */
  secured: boolean;
}

export class OpenApi {
  constructor(readonly document: OpenApiDocument) {}

  resolve(schema: Schema): Schema {
    let current = fromJsonSchema2020(schema);
    for (;;) {
      if (current.$ref) {
        const name = current.$ref.replace('#/components/schemas/', '');
        const target = this.document.components.schemas[name];
        if (!target) throw new Error(`Unresolvable ${current.$ref}`);
        current = { ...fromJsonSchema2020(target), ...withoutRef(current) };
      } else if (current.allOf?.length === 1) {
        const { allOf, ...rest } = current;
        current = { ...fromJsonSchema2020(allOf[0]), ...rest };
      } else {
        return current;
      }
    }
  }

  operations(): Operation[] {
    return Object.entries(this.document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, raw]) => {
        const body = raw.requestBody?.content['application/json'];
        return {
          id: raw.operationId,
          method: method.toUpperCase() as Operation['method'],
          path,
          params: (raw.parameters ?? [])
            .filter((parameter) => parameter.in !== 'header')
            .map((parameter) => ({
              name: parameter.name,
              in: parameter.in as Parameter['in'],
              required: parameter.in === 'path' || Boolean(parameter.required),
              schema: this.resolve(parameter.schema),
            })),
          body: body ? { required: raw.requestBody?.required !== false, schema: this.resolve(body.schema) } : undefined,
          responses: new Map(
            Object.entries(raw.responses).map(([status, response]) => {
              const schema = response.content?.['application/json']?.schema;
              return [Number(status), schema ? this.resolve(schema) : undefined] as const;
            }),
          ),
          secured: Boolean(raw.security?.length),
        };
      }),
    );
  }
}

function withoutRef(schema: Schema): Schema {
  const { $ref: _ref, ...rest } = schema;
  return rest;
}

interface RawSchema extends Omit<Schema, 'type' | 'exclusiveMinimum'> {
  type?: JsonType | 'null' | (JsonType | 'null')[];
  exclusiveMinimum?: boolean | number;
}

/** `type: [t, 'null']`, `anyOf: [s, {type: 'null'}]`, `enum: [..., null]` as `nullable`; a numeric exclusiveMinimum as a flag. */
function fromJsonSchema2020(raw: Schema): Schema {
  const schema = raw as RawSchema;
  let result: RawSchema = schema;
  const nonNull = schema.anyOf?.filter((member) => member.type !== ('null' as JsonType));
  if (schema.anyOf && nonNull && nonNull.length === 1 && nonNull.length < schema.anyOf.length) {
    const { anyOf: _anyOf, ...rest } = schema;
    result = { ...nonNull[0], ...rest, nullable: true };
  }
  if (Array.isArray(result.type)) {
    const types = result.type.filter((type) => type !== 'null');
    result = { ...result, type: types.length === 1 ? types[0] : undefined, nullable: result.nullable || types.length < result.type.length };
  }
  if (result.enum?.includes(null)) result = { ...result, enum: result.enum.filter((value) => value !== null), nullable: true };
  if (typeof result.exclusiveMinimum === 'number') result = { ...result, minimum: result.exclusiveMinimum, exclusiveMinimum: true };
  return result as Schema;
}
