import dataSource from '../ormconfig';
import { parseDurationSeconds } from '../src/config/env-reader';
import { WebhookOperations } from '../src/webhooks/webhook-operations';

const USAGE = `usage: npm run webhooks -- <command>
  list                    the endpoints, with their pending, retrying, delivered and failed deliveries
  failed [--limit N]      failed deliveries, the latest first
  replay <id>             send a delivery again (same webhook-id)
  replay --since <time>   send again every delivery that failed since <time> (an ISO time, or 2h, 1d ago)`;

class UsageError extends Error {}

/**
 * `npm run webhooks`: the operators' view of webhook deliveries, on the database of the service's settings
 * (DATABASE_URL, or the SQLite file under DATA_DIR). The running service sends replayed deliveries within a second.
 */
async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return;
  }
  await dataSource.initialize();
  try {
    const operations = new WebhookOperations(dataSource.manager);
    if (command === 'list') return await list(operations);
    if (command === 'failed') return await failed(operations, rest);
    if (command === 'replay') return await replay(operations, rest);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (/no such table|does not exist/.test((error as Error).message))
      throw new Error('the webhook tables are missing: start the service once, or run npm run migration:run');
    throw error;
  } finally {
    await dataSource.destroy();
  }
}

async function list(operations: WebhookOperations): Promise<void> {
  const endpoints = await operations.endpoints();
  if (endpoints.length === 0) console.log('No webhook endpoints (WEBHOOKS or WEBHOOKS_FILE) have been configured.');
  for (const endpoint of endpoints) {
    const state = endpoint.disabledAt ? `DISABLED since ${endpoint.disabledAt.toISOString()} (${endpoint.disabledReason ?? 'no reason'})` : 'enabled';
    const { pending, delivered, failed } = endpoint.counts;
    console.log(`${endpoint.id}  ${endpoint.url}  ${state}`);
    console.log(`  pending ${pending} (retrying ${endpoint.retrying})  delivered ${delivered}  failed ${failed}`);
  }
}

async function failed(operations: WebhookOperations, args: string[]): Promise<void> {
  const limit = option(args, '--limit');
  const count = limit === undefined ? 100 : Number(limit);
  if (!Number.isInteger(count) || count < 1) throw new UsageError('--limit takes a positive whole number');
  const rows = await operations.failed(count);
  if (rows.length === 0) console.log('No failed deliveries.');
  for (const row of rows) {
    const status = row.lastStatus === null ? 'no answer' : `HTTP ${row.lastStatus}`;
    console.log(
      `${row.id}  ${row.eventType}  webhook-id ${row.eventId}  endpoint ${row.endpointId}  ${row.attempts} attempt(s)  last ${row.lastAttemptAt?.toISOString() ?? '-'}  ${status}: ${row.lastError ?? ''}`,
    );
  }
}

async function replay(operations: WebhookOperations, args: string[]): Promise<void> {
  const since = option(args, '--since');
  let outcome;
  if (since !== undefined) {
    outcome = await operations.replayFailedSince(parseSince(since));
  } else {
    const id = Number(args[0]);
    if (args.length !== 1 || !Number.isInteger(id) || id < 1) throw new UsageError('replay takes one delivery id (see "failed"), or --since <time>');
    outcome = await operations.replay(id);
    if (outcome === null) throw new Error(`no delivery ${id}`);
    if (outcome.replayed.length === 0) {
      console.log(`Delivery ${id} is still pending: it is sent (again) on its own.`);
      return;
    }
  }
  console.log(
    outcome.replayed.length === 0
      ? 'Nothing to replay.'
      : `Replayed ${outcome.replayed.length} deliver${outcome.replayed.length === 1 ? 'y' : 'ies'}: ${outcome.replayed.join(', ')}`,
  );
  if (outcome.toDisabledEndpoint.length > 0) {
    console.log(`Warning: ${outcome.toDisabledEndpoint.join(', ')} go to an endpoint disabled by a 410 Gone; they fail again until its configuration changes.`);
  }
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined) throw new UsageError(`${name} needs a value`);
  return value;
}

function parseSince(value: string): Date {
  const seconds = parseDurationSeconds(value);
  if (seconds !== undefined) return new Date(Date.now() - seconds * 1000);
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new UsageError(`--since takes an ISO time (2026-12-01T08:00:00Z) or a duration ago (2h, 1d), got "${value}"`);
  return time;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  if (error instanceof UsageError) console.error(USAGE);
  process.exit(1);
});
