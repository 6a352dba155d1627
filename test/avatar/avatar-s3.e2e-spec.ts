import assert from 'node:assert/strict';
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
import { type TestApp, startTestApp } from '../helpers/test-app';

const AVATAR = '/api/auth/users/me/avatar';

describe('avatars on an S3-compatible server (s3rver on loopback)', () => {
  let s3rver: S3rver;
  let endpoint: string;
  let t: TestApp;
  let user: SignedIn;
  let client: S3Client;
  before(async () => {
    s3rver = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: mkdtempSync(join(tmpdir(), 's3rver-')),
      configureBuckets: [{ name: 'avatars', configs: [] }],
    });
    const { port } = await s3rver.run();
    endpoint = `http://127.0.0.1:${port}`;
    const credentials = { S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
    t = await startTestApp({
      AVATAR_STORAGE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: 'avatars',
      S3_FORCE_PATH_STYLE: 'true',
      S3_REGION: 'us-east-1',
      ...credentials,
    });
    client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    user = await registerAndLogin(t);
  });
  after(async () => {
    await t.close();
    client.destroy();
    await s3rver.close();
  });

  // The objects once the removals the answers did not wait for are done.
  const keys = async () => {
    await t.app.get(AvatarService).settled();
    return ((await client.send(new ListObjectsV2Command({ Bucket: 'avatars', Prefix: `avatars/${user.userId}/` }))).Contents ?? []).map((o) => o.Key).sort();
  };

  it('stores the renditions in the bucket and serves them through the service', async () => {
    const response = await t.http
      .put(AVATAR)
      .set('Authorization', `Bearer ${user.accessToken}`)
      .attach('file', await solid(200, 100, 'png'), 'a.png');
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const version = new URL(response.body.avatar.url).pathname.split('/')[4];
    assert.deepEqual(await keys(), [64, 256, 512].map((size) => `avatars/${user.userId}/${version}/${size}.webp`).sort());
    const image = await t.http.get(new URL(response.body.avatar.url).pathname).buffer(true);
    assert.equal(image.status, 200);
    assert.equal((await sharp(image.body as Buffer).metadata()).width, 512);
  });

  it('removes the old objects when replaced, and all of them when deleted', async () => {
    const first = (
      await t.http
        .put(AVATAR)
        .set('Authorization', `Bearer ${user.accessToken}`)
        .attach('file', await solid(50, 50, 'png'), 'a.png')
    ).body.avatar;
    const second = (
      await t.http
        .put(AVATAR)
        .set('Authorization', `Bearer ${user.accessToken}`)
        .attach('file', await solid(60, 60, 'jpeg'), 'b.jpg')
    ).body.avatar;
    const remaining = await keys();
    assert.equal(remaining.length, 3);
    assert.ok(remaining.every((key) => key?.includes(new URL(second.url).pathname.split('/')[4])));
    assertError(await t.http.get(new URL(first.url).pathname), 404, 'NOT_FOUND');
    assert.equal((await t.http.delete(AVATAR).set('Authorization', `Bearer ${user.accessToken}`)).status, 200);
    assert.deepEqual(await keys(), []);
  });
});
