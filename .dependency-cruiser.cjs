/**
 * The layering of src/, as rules (npm run lint:deps; CI runs it before the tests).
 *
 * From the bottom up:
 *   config   the validated environment (and the TTL table); imports nothing of the app
 *   common   HTTP, errors, validation, request context, the facts routes declare; imports config
 *   redis    the connection, pub/sub bus, distributed lock, rate-limit store, Lua scripts; imports config, common
 *   tracing  OpenTelemetry set-up and span helpers; imports config, common, redis (to name Lua scripts in spans)
 *   cache    the cache core; imports config, common, redis, tracing. No domain, not access: who may read
 *            an entry is a fact the route declares (common/http/route-declarations.ts), passed in
 *   access   principals, grants, guards; imports config, common, and redis for the rate-limit store only
 *            (rate limiting is admission control, so it lives with the guards; its counters are shared
 *            across instances through Redis). Ownership lookups are SQL on three columns, no domain code.
 * Above them the domains, monitoring, ops, jobs and cache-ops; nothing but the app module and jobs
 * imports cache-ops (operations endpoints hang off the app, never the other way round).
 */
const LAYER = '^src/(config|common|redis|tracing|cache|access)/';

const onlyImports = (name, folder, allowed, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: `^src/${folder}/` },
  to: { path: '^src/', pathNot: [`^src/(${[folder, ...allowed].join('|')})/`] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles between modules: they load only in a lucky order. Cycles between folders: scripts/folder-cycles.mjs.',
      from: {},
      to: { circular: true },
    },
    onlyImports('config-imports-nothing', 'config', [], 'config is the bottom layer.'),
    onlyImports('common-imports-config-only', 'common', ['config'], 'common is shared by every layer, so it imports none of them.'),
    onlyImports('redis-imports-config-common-only', 'redis', ['config', 'common'], 'Redis plumbing knows no cache, access or domain.'),
    onlyImports('tracing-imports-below-it-only', 'tracing', ['config', 'common', 'redis'], 'tracing names Lua scripts from redis; nothing else.'),
    onlyImports('cache-imports-below-it-only', 'cache', ['config', 'common', 'redis', 'tracing'], 'The cache core: no domain, no access, no operations.'),
    {
      name: 'access-imports-config-common-and-the-rate-limit-store-only',
      severity: 'error',
      comment: 'access: config and common, plus src/redis/rate-limit-counter.ts for the rate-limit guard.',
      from: { path: '^src/access/' },
      to: { path: '^src/', pathNot: ['^src/(access|config|common)/', '^src/redis/rate-limit-counter[.]ts$'] },
    },
    {
      name: 'layers-import-no-domain',
      severity: 'error',
      comment: 'redis, cache, access, common, config and tracing import no domain, operations or app folder.',
      from: { path: LAYER },
      to: { path: '^src/(accounts|analytics|customers|demo|events|menu-items|orders|realtime|restaurants|reviews|database|monitoring|ops|jobs|cache-ops)/' },
    },
    {
      name: 'cache-ops-only-from-app-and-jobs',
      severity: 'error',
      comment:
        'Operations endpoints (inspection, maintenance, demonstrations) hang off the app: only app.module and jobs import them. ' +
        'database/entities.ts registers every TypeORM entity, the audit log table included.',
      from: { path: '^src/', pathNot: ['^src/cache-ops/', '^src/app[.]module[.]ts$', '^src/jobs/', '^src/database/entities[.]ts$'] },
      to: { path: '^src/cache-ops/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle through types still ties the folders together.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
