/**
 * The ceiling for GET /api/auth/users/me: plain node:http doing the same work by hand — verify the same
 * access token with the same key (imported once), look up the same session and user rows with the same
 * driver, serialise the same JSON. No framework, no ORM. With CEILING_DB=off it answers from memory after the
 * first lookup of a session (the no-database ceiling). Used by bench/me.ts and bench/profile-me.ts.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { jwtVerify } from 'jose';
import { Pool } from 'pg';

const dataDir = process.env.DATA_DIR as string;
const port = Number(process.env.PORT);
const issuer = process.env.JWT_ISSUER ?? `http://localhost:${process.env.SERVICE_PORT}`;
const keyFile = readdirSync(join(dataDir, 'keys')).filter((f) => f.endsWith('.pem'))[0];
const publicKey = createPublicKey(createPrivateKey(readFileSync(join(dataDir, 'keys', keyFile), 'utf8')));

// The session, its user and the user's linked identities (one row each, or one with NULLs), in one query.
const SQL = `SELECT u.*, i.provider AS identity_provider, i.email AS identity_email, i.created_at AS identity_created_at
  FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN user_identities i ON i.user_id = u.id
  WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3 ORDER BY i.created_at`;

type Row = Record<string, unknown>;
let findUser: (sessionId: string, userId: string) => Promise<Row[]>;
if (process.env.DATABASE_URL) {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  findUser = async (sid, uid) => (await pool.query({ name: 'me', text: SQL, values: [sid, uid, new Date()] })).rows as Row[];
} else {
  const db = new Database(join(dataDir, 'profile.sqlite'), { readonly: true });
  const statement = db.prepare(SQL.replace(/\$\d/g, '?'));
  // TypeORM stores SQLite datetimes as UTC "YYYY-MM-DD HH:MM:SS.SSS".
  const now = () => new Date().toISOString().replace('T', ' ').replace('Z', '');
  findUser = (sid, uid) => Promise.resolve(statement.all(sid, uid, now()) as Row[]);
}

// CEILING_DB=off: the no-database ceiling. The rows are read once per session, then answered from memory: what
// is left is the token's verification, HTTP and the JSON, the work no service of this kind can skip.
if (process.env.CEILING_DB === 'off') {
  const fromDatabase = findUser;
  const remembered = new Map<string, Row[]>();
  findUser = async (sid, uid) => {
    const key = `${sid}:${uid}`;
    let rows = remembered.get(key);
    if (!rows) remembered.set(key, (rows = await fromDatabase(sid, uid)));
    return rows;
  };
}

// pg returns Date objects; SQLite returns TypeORM's UTC strings.
const iso = (value: unknown) => {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? new Date(`${value.replace(' ', 'T')}Z`).toISOString() : null;
};

function profile(rows: Row[]) {
  const u = rows[0];
  const password = u.password_changed_at ? [{ provider: 'password', connectedAt: iso(u.password_changed_at) }] : [];
  const linked =
    u.identity_provider == null ? [] : rows.map((r) => ({ provider: r.identity_provider, connectedAt: iso(r.identity_created_at), email: r.identity_email }));
  return {
    id: u.id,
    email: u.email,
    emailVerified: Boolean(u.email_verified),
    pendingEmail: null,
    username: u.username,
    displayName: u.display_name,
    bio: u.bio,
    locale: u.locale,
    timezone: u.timezone,
    avatar: null,
    identityProviders: [...password, ...linked],
    createdAt: iso(u.created_at),
    updatedAt: iso(u.updated_at),
  };
}

createServer((req, res) => {
  const fail = (status: number) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{}');
  };
  if (req.url === '/api/health') return fail(200);
  const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (req.url !== '/api/auth/users/me' || !match) return fail(401);
  jwtVerify(match[1], publicKey, { issuer, audience: 'profile-service', typ: 'at+jwt', algorithms: ['ES256'] })
    .then(({ payload }) => findUser(payload.sid as string, payload.sub as string))
    .then((rows) => {
      if (rows.length === 0) return fail(401);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(profile(rows)));
    })
    .catch(() => fail(401));
}).listen(port, '127.0.0.1');

// Exit normally on SIGTERM (as the service does), so that exit-time diagnostics such as --cpu-prof are written.
process.once('SIGTERM', () => process.exit(0));
