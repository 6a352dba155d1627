import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { SqliteSerializer } from './sqlite-serializer';

describe('SQLite transactions (one shared connection)', () => {
  let db: DataSource;
  let serializer: SqliteSerializer;
  const names = async () => (await serializer.plainManager.query<Array<{ name: string }>>('SELECT name FROM things ORDER BY name')).map((row) => row.name);

  before(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sqlite-tx-')), 'db.sqlite');
    db = await new DataSource({ type: 'better-sqlite3', database: file }).initialize();
    serializer = new SqliteSerializer(db, 200);
    await db.query('CREATE TABLE things (name TEXT PRIMARY KEY)');
  });
  after(() => db.destroy());

  it('keeps what other requests wrote while a transaction was open when that transaction rolls back', async () => {
    const failing = serializer.transaction(async (manager) => {
      await manager.query(`INSERT INTO things (name) VALUES ('rolled-back')`);
      await delay(50);
      throw new Error('boom');
    });
    await delay(5);
    // Without serialisation these two would run inside the failing transaction and vanish with it.
    const other = serializer.transaction((manager) => manager.query(`INSERT INTO things (name) VALUES ('other-transaction')`));
    const plain = serializer.plainManager.query(`INSERT INTO things (name) VALUES ('plain-query')`);
    await assert.rejects(failing, /boom/);
    await Promise.all([other, plain]);
    assert.deepEqual(await names(), ['other-transaction', 'plain-query']);
  });

  it('does not let a plain read see what an open transaction has not committed', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const open = serializer.transaction(async (manager) => {
      await manager.query(`INSERT INTO things (name) VALUES ('uncommitted')`);
      await held;
      throw new Error('rolled back');
    });
    await delay(5);
    const read = names();
    assert.equal(await Promise.race([read.then(() => 'read'), delay(50).then(() => 'waiting')]), 'waiting');
    release();
    await assert.rejects(open, /rolled back/);
    assert.ok(!(await read).includes('uncommitted'));
  });

  it('nests transactions through the manager, and fails a statement that bypasses it instead of hanging', async () => {
    await serializer.transaction(async (manager) => {
      await manager.query(`INSERT INTO things (name) VALUES ('outer')`);
      await manager.transaction((inner) => inner.query(`INSERT INTO things (name) VALUES ('inner')`));
    });
    assert.ok((await names()).includes('inner'));
    const bypassing = serializer.transaction(async () => {
      await serializer.plainManager.query(`INSERT INTO things (name) VALUES ('bypass')`);
    });
    await assert.rejects(bypassing, /waited 200 ms for a transaction/);
    assert.ok(!(await names()).includes('bypass'));
  });
});
