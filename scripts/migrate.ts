import dataSource from '../ormconfig';
import { runMigrationsLocked } from '../src/database/migrate';

/**
 * `npm run migration:run`: the pending migrations under the same lock the service takes at start, so an operator
 * migrating while instances start (or two operators) never run one migration twice.
 */
async function main(): Promise<void> {
  await dataSource.initialize();
  try {
    const before = new Set((await dataSource.query<Array<{ name: string }>>('SELECT name FROM migrations').catch(() => [])).map((row) => row.name));
    await runMigrationsLocked(dataSource);
    const after = await dataSource.query<Array<{ name: string }>>('SELECT name FROM migrations ORDER BY timestamp');
    const executed = after.filter((row) => !before.has(row.name));
    if (executed.length === 0) console.log('No migrations are pending.');
    for (const { name } of executed) console.log(`Migration ${name} has been executed successfully.`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
