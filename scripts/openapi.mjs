// The API document as the code describes it, against the committed openapi.json.
//   npm run openapi         writes openapi.json
//   npm run openapi:check   fails (exit 1) when openapi.json differs from the code's document
// Boots the built app (npm run build first) without listening, on a scratch database it drops
// afterwards: one created on the DATABASE_URL server when that is set (the database it names is
// never touched), otherwise an embedded Postgres in a temporary directory. No Redis, no jobs,
// default settings: the document depends on none of them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const FILE = new URL('../openapi.json', import.meta.url);
const mode = process.argv[2] ?? '--write';
if (!['--write', '--check'].includes(mode)) {
  console.error('Usage: node scripts/openapi.mjs [--write | --check]');
  process.exit(2);
}

const { loadConfig } = await import('../dist/config/app-config.js');
const { resolveDatabase } = await import('../dist/database/database-target.js');
const { createApp } = await import('../dist/app.factory.js');
const { buildOpenApiDocument, serialiseOpenApi } = await import('../dist/common/http/openapi.js');

const server = process.env.DATABASE_URL;
const scratchName = `tiffin_openapi_${randomBytes(4).toString('hex')}`;
const onServer = async (sql) => {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};
let scratchUrl;
if (server) {
  await onServer(`CREATE DATABASE ${scratchName}`);
  const url = new URL(server);
  url.pathname = `/${scratchName}`;
  scratchUrl = url.toString();
}
const scratch = server ? undefined : mkdtempSync(join(tmpdir(), 'tiffin-openapi-'));
const config = loadConfig({
  NODE_ENV: 'production',
  LOG_LEVEL: 'error',
  JOBS_ENABLED: 'false',
  ADMIN_TOKEN: 'openapi-document-generation-only-0000',
  JWT_SECRET: 'openapi-document-generation-only-0000000',
  ...(scratchUrl ? { DATABASE_URL: scratchUrl } : { EMBEDDED_DB_DIR: scratch }),
});
const database = await resolveDatabase(config);
let status = 0;
try {
  const app = await createApp(config, database);
  try {
    const text = serialiseOpenApi(buildOpenApiDocument(app));
    if (mode === '--write') {
      writeFileSync(FILE, text);
      console.log(`openapi.json written (${Object.keys(JSON.parse(text).paths).length} paths)`);
    } else {
      let committed = '';
      try {
        committed = readFileSync(FILE, 'utf8');
      } catch {
        // A missing file differs like any other.
      }
      if (committed === text) console.log('openapi.json matches the code');
      else {
        console.error('openapi.json differs from the document the code builds: run `npm run openapi` and commit the result');
        status = 1;
      }
    }
  } finally {
    await app.close();
  }
} finally {
  await database.release();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  if (server) await onServer(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`);
}
process.exit(status);
