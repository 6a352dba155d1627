import dataSource from '../ormconfig';
import { parseDeletionConfig } from '../src/config/deletion.config';
import { TransactionRunner } from '../src/database/transaction-runner';
import { Erasures } from '../src/erasure/erasures.service';
import type { Outbox } from '../src/events/outbox';

const USAGE = `usage: npm run erasures -- list [--overdue]
  list              the latest erasures: when, who had to confirm, who did, who is missing
  list --overdue    only those past ERASURE_DEADLINE that an expected service has not confirmed`;

/** `npm run erasures`: the proof of erasure on the service's database (DATABASE_URL, or the SQLite file under DATA_DIR). */
async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command !== 'list' || rest.some((arg) => arg !== '--overdue')) {
    console.log(USAGE);
    if (command && command !== '--help' && command !== 'help') process.exitCode = 1;
    return;
  }
  await dataSource.initialize();
  try {
    // Reading only: the outbox is never used.
    const erasures = new Erasures(new TransactionRunner(dataSource), null as unknown as Outbox, parseDeletionConfig(process.env));
    const list = rest.includes('--overdue') ? await erasures.overdue() : await erasures.latest();
    if (list.length === 0) console.log(rest.includes('--overdue') ? 'No erasure is overdue.' : 'No account has been erased yet.');
    for (const erasure of list) {
      const state = erasure.completedAt ? `complete ${erasure.completedAt.toISOString()}` : `waiting for ${erasure.missing.join(', ')}`;
      const confirmed = erasure.confirmed.map((entry) => `${entry.service} ${entry.confirmedAt.toISOString()}`).join(', ') || 'nobody';
      console.log(`${erasure.erasureId}  deleted ${erasure.deletedAt.toISOString()}  ${state}  confirmed by: ${confirmed}`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(
    /no such table|does not exist/.test(message) ? 'the erasure tables are missing: start the service once, or run npm run migration:run' : message,
  );
  process.exit(1);
});
