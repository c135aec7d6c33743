import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const BUNDLE_PATH = '/redoc/redoc.standalone.js';

/**
 * ReDoc's browser bundle keeps its search index in a web worker it starts from a blob: URL; the
 * rest of the page follows the API's own policy (scripts from this origin only, no framing).
 */
const REDOC_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
].join('; ');

const page = (documentUrl: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tiffin API reference</title>
</head>
<body>
<redoc spec-url="${documentUrl}"></redoc>
<script src="${BUNDLE_PATH}"></script>
</body>
</html>
`;

/**
 * ReDoc at /redoc, rendering the same document as Swagger UI at /docs (read from `documentUrl`).
 * The bundle is ReDoc's standalone build from its npm package as installed, loaded once.
 */
export function registerRedoc(app: NestFastifyApplication, documentUrl: string): void {
  const bundle = readFileSync(createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js'));
  const html = page(documentUrl);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/redoc', (_request, reply) => {
    void reply.header('content-security-policy', REDOC_CSP).type('text/html; charset=utf-8').send(html);
  });
  fastify.get(BUNDLE_PATH, (_request, reply) => {
    void reply.header('cache-control', 'public, max-age=3600').type('application/javascript; charset=utf-8').send(bundle);
  });
}
