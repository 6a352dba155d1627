import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import sharp from 'sharp';
import { AvatarService } from '../../src/avatar/avatar.service';
import { type SignedIn, assertError, registerAndLogin } from '../helpers/factories';
import { solid } from '../helpers/images';
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy';
import { type TestApp, startTestApp } from '../helpers/test-app';

const AVATAR = '/api/auth/users/me/avatar';

/** Random pixels: renditions of tens of kilobytes, so the cut lands inside a write. */
const noise = (size: number) =>
  sharp(randomBytes(size * size * 3), { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

describe('S3 gone during an upload, then back', () => {
  let s3rver: S3rver;
  let proxy: TcpProxy;
  let client: S3Client;
  let t: TestApp;
  let user: SignedIn;
  before(async () => {
    s3rver = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: mkdtempSync(join(tmpdir(), 's3rver-')),
      configureBuckets: [{ name: 'avatars', configs: [] }],
    });
    const { port } = await s3rver.run();
    client = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials });
    proxy = await startTcpProxy(port);
    t = await startTestApp({
      AVATAR_STORAGE: 's3',
      S3_ENDPOINT: `http://${proxy.address}`,
      S3_BUCKET: 'avatars',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    });
    user = await registerAndLogin(t);
  });
  after(async () => {
    await t.close();
    await proxy.close();
    client.destroy();
    await s3rver.close();
  });

  const stored = async () =>
    ((await client.send(new ListObjectsV2Command({ Bucket: 'avatars', Prefix: `avatars/${user.userId}/` }))).Contents ?? []).map((o) => o.Key ?? '').sort();
  const upload = async (image: Buffer) => t.http.put(AVATAR).set('Authorization', `Bearer ${user.accessToken}`).attach('file', image, 'a.png');

  it('answers 503, keeps serving the previous avatar, and sweeps what the cut upload left once S3 is back', async () => {
    const first = await upload(await solid(120, 120, 'png', '#118833'));
    assert.equal(first.status, 200);
    const previous = new URL(first.body.avatar.url).pathname;
    const version = previous.split('/')[4];

    // Cut in the middle of the renditions' writes: some objects may be stored, the rest not.
    proxy.cutAfter(3000);
    const started = Date.now();
    assertError(await upload(await noise(600)), 503, 'SERVICE_UNAVAILABLE');
    assert.ok(Date.now() - started < 15_000);
    await proxy.restore();

    const profile = await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`);
    assert.equal(profile.body.avatar.url, first.body.avatar.url, 'the profile still points at the previous avatar');
    assert.equal((await t.http.get(previous)).status, 200, 'and it is still served');

    const swept = await t.app.get(AvatarService).sweep();
    console.log(`# S3 back: the sweep removed ${swept} version(s) the cut upload left`);
    const keys = await stored();
    assert.deepEqual(keys, [64, 256, 512].map((size) => `avatars/${user.userId}/${version}/${size}.webp`).sort(), 'only the previous renditions are left');
  });
});
