import { transformFile } from '@swc/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './app-process.mjs';

export const PEERS_DIR = join(REPO_ROOT, 'bench', 'peers');
export const BARE_FASTIFY = join(PEERS_DIR, 'bare-fastify.mjs');
/** Compiled output of the TypeScript peers; inside the repository so that node_modules resolves. */
const BUILD_DIR = join(PEERS_DIR, 'build');

/** The table the recipe reads, in the bench's scratch database. */
export const RECIPE_TABLE = 'bench_recipe_documents';

/**
 * Compiles the Nest recipe (bench/peers/nest-recipe/main.ts) with swc, decorators and their
 * metadata as the app's own build emits them; returns the script to run.
 */
export async function buildNestRecipe() {
  const { code } = await transformFile(join(PEERS_DIR, 'nest-recipe', 'main.ts'), {
    swcrc: false,
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'es6' },
  });
  const out = join(BUILD_DIR, 'nest-recipe', 'main.js');
  mkdirSync(join(BUILD_DIR, 'nest-recipe'), { recursive: true });
  writeFileSync(join(BUILD_DIR, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(out, code);
  return out;
}

/** The recipe's table, holding `document` for restaurant `id` (created with the database's admin client). */
export async function seedRecipeTable(client, id, document) {
  await client.query(`CREATE TABLE ${RECIPE_TABLE} (id integer PRIMARY KEY, document text NOT NULL)`);
  await client.query(`INSERT INTO ${RECIPE_TABLE} (id, document) VALUES ($1, $2)`, [id, document]);
}

/**
 * Saves an answer of Tiffin's (route pattern, status, headers, body) for the bare peer to send;
 * returns the file.
 */
export function writeRecording({ route, status, headers, body }) {
  mkdirSync(BUILD_DIR, { recursive: true });
  const file = join(BUILD_DIR, 'recording.json');
  writeFileSync(file, `${JSON.stringify({ route, status, headers: Object.fromEntries(headers), body_base64: body.toString('base64') })}\n`);
  return file;
}
