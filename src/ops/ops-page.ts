import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page's own files: beside this module in src, copied beside the build in dist (nest-cli assets). */
export const OPS_PAGE_ROOT = fileURLToPath(new URL('./public/', import.meta.url));

/** The charting library's browser build and stylesheet, served from its npm package as installed. */
const UPLOT_ROOT = dirname(createRequire(import.meta.url).resolve('uplot'));
const VENDOR_FILES = new Set(['/uPlot.iife.min.js', '/uPlot.min.css']);

/**
 * Serves the operations page at /ops/ and the charting library under /ops/vendor/. The files are
 * public (the page signs in and every figure needs an admin token); they get the same security
 * headers as the API, so the page uses no inline script or style attribute.
 */
export function registerOpsPage(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  // In its own scope: reply.sendFile stays private to it (Swagger registers the plugin too). The
  // router ignores trailing slashes, so /ops/ reaches /ops, not the plugin's wildcard: answered here.
  void fastify.register(async (scope) => {
    await scope.register(fastifyStatic, { root: OPS_PAGE_ROOT, prefix: '/ops/', index: false });
    scope.get('/ops', (_request, reply) => reply.sendFile('index.html'));
  });
  void fastify.register(fastifyStatic, {
    root: UPLOT_ROOT,
    prefix: '/ops/vendor/',
    decorateReply: false,
    allowedPath: (path) => VENDOR_FILES.has(path),
  });
}
