import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';

/** The service's own signing key, read from its data directory: to forge tokens that differ in one claim. */
export function serviceKey(dataDir: string) {
  const dir = join(dataDir, 'keys');
  const file = readdirSync(dir).filter((f) => f.endsWith('.pem'))[0];
  return createPrivateKey(readFileSync(join(dir, file), 'utf8'));
}

export interface ForgeOptions {
  typ?: string;
  kid?: string;
  iss?: string;
  aud?: string;
  exp?: number;
  sub?: string;
  sid?: string;
  key?: ReturnType<typeof createPrivateKey>;
}

/** Re-signs a genuine token's claims with one thing changed. */
export async function forgeFrom(genuine: string, dataDir: string, change: ForgeOptions): Promise<string> {
  const header = decodeProtectedHeader(genuine);
  const claims = decodeJwt(genuine);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    ...claims,
    sid: change.sid ?? claims.sid,
    iss: change.iss ?? claims.iss,
    aud: change.aud ?? claims.aud,
    sub: change.sub ?? claims.sub,
    jti: randomUUID(),
  })
    .setProtectedHeader({ alg: 'ES256', kid: change.kid ?? header.kid, typ: change.typ ?? header.typ })
    .setIssuedAt(now - 60)
    .setExpirationTime(change.exp ?? (claims.exp as number))
    .sign(change.key ?? serviceKey(dataDir));
}

export function otherKey() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

/** An unsigned token (`alg: none`) with the genuine token's claims. */
export function unsignedFrom(genuine: string): string {
  const header = { ...decodeProtectedHeader(genuine), alg: 'none' };
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(decodeJwt(genuine))}.`;
}
