import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { resolveDatabase } from './database-target.js';
import { runMigrationsExclusively } from './migration-lock.js';

const MIGRATIONS_DIR = join(process.cwd(), 'src', 'database', 'migrations');

function renderMigration(className: string, up: string[], down: string[]): string {
  const lines = (queries: string[]) =>
    queries.map((query) => `    await queryRunner.query(${JSON.stringify(query)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
}

/** Writes a migration for the difference between the entities and the database, and registers it. */
async function generate(dataSource: DataSource, name: string): Promise<void> {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error('usage: npm run migration:generate -- PascalCaseName');
  const log = await dataSource.driver.createSchemaBuilder().log();
  if (log.upQueries.length === 0) {
    console.log('No changes: the database already matches the entities.');
    return;
  }
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const fileName = `${timestamp}-${name}`;
  writeFileSync(
    join(MIGRATIONS_DIR, `${fileName}.ts`),
    renderMigration(
      className,
      log.upQueries.map((query) => query.query),
      log.downQueries.reverse().map((query) => query.query),
    ),
  );
  const indexPath = join(MIGRATIONS_DIR, 'index.ts');
  const index = readFileSync(indexPath, 'utf8')
    .replace(/^(import .*\n)(?!import)/m, `$1import { ${className} } from './${fileName}.js';\n`)
    .replace(/\];\s*$/, `, ${className}];\n`);
  writeFileSync(indexPath, index);
  console.log(`Wrote src/database/migrations/${fileName}.ts and registered it; review it, then run npm run migration:run.`);
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  const database = await resolveDatabase(config);
  const dataSource = new DataSource(buildDataSourceOptions({ ...database, poolSize: 1 }));
  try {
    await dataSource.initialize();
    if (command === 'run') {
      const applied = await runMigrationsExclusively(dataSource);
      console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'Nothing to apply.');
    } else if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the last migration.');
    } else if (command === 'generate') {
      await runMigrationsExclusively(dataSource);
      await generate(dataSource, name ?? '');
    } else {
      throw new Error('usage: migration-cli run | revert | generate <Name>');
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.release();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
