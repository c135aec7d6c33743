import type { OpenAPIObject } from '@nestjs/swagger';

/** The classes whose answers carry exactly the properties they document. */
const closedTypes = new Set<abstract new (...args: never[]) => unknown>();

/**
 * Marks a response class as closed: its schema is published with `additionalProperties: false`,
 * so a validator (the e2e suites' contract among them) refuses an answer with a property the
 * class does not document. For shapes the code builds field by field, never for ones that pass
 * through what another component returns.
 */
export const ClosedSchema = (): ClassDecorator => (target) => {
  closedTypes.add(target as unknown as abstract new (...args: never[]) => unknown);
};

/** Sets `additionalProperties: false` on the schema of every closed class the document holds (named after the class). */
export function closeSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  for (const type of closedTypes) {
    const schema = schemas[type.name];
    if (schema && !('$ref' in schema)) schema.additionalProperties = false;
  }
}
