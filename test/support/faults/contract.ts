import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenApiContract, type OpenApiDocument } from '../openapi-contract.js';

/*
 * The fault suites run the production build in its own process, with Swagger off: their answers
 * are judged against the committed document (openapi.json), which `npm run openapi:check` keeps
 * identical to the one the build serves.
 */

let committed: OpenApiContract | undefined;

export function committedContract(): OpenApiContract {
  committed ??= new OpenApiContract(
    JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as OpenApiDocument,
  );
  return committed;
}
