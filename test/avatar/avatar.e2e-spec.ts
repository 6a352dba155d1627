import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { AvatarService } from '../../src/avatar/avatar.service';
import { AvatarStorage } from '../../src/avatar/storage/avatar-storage';
import { UploadSpool } from '../../src/avatar/upload-spool';
import { type SignedIn, assertError, registerAndLogin, stepUp } from '../helpers/factories';
import { jpegWithExifAndOrientation, pngBomb, solid } from '../helpers/images';
import { type TestApp, startTestApp } from '../helpers/test-app';

const AVATAR = '/api/auth/users/me/avatar';

describe('avatars', () => {
  let t: TestApp;
  let user: SignedIn;
  before(async () => {
    // One account uploads throughout: the per-account limit has its own test below.
    t = await startTestApp({ AVATAR_MAX_BYTES: String(1024 * 1024), AVATAR_RATE_LIMIT: '1000/1h' });
    user = await registerAndLogin(t);
  });
  after(() => t.close());

  const upload = (data: Buffer, filename = 'a.png', who: SignedIn = user, contentType?: string) =>
    t.http
      .put(AVATAR)
      .set('Authorization', `Bearer ${who.accessToken}`)
      .attach('file', data, { filename, contentType: contentType ?? 'image/png' });
  const path = (url: string) => new URL(url).pathname;
  // The files as they are once the removals the answers did not wait for are done.
  const userFiles = async (who: SignedIn) => {
    await t.app.get(AvatarService).settled();
    const dir = join(t.dataDir, 'avatars', who.userId);
    return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : [];
  };

  it('accepts JPEG, PNG, WebP, GIF and AVIF, making square 64/256/512 WebP renditions (small sources scaled up)', async () => {
    for (const format of ['jpeg', 'png', 'webp', 'gif', 'avif'] as const) {
      const response = await upload(await solid(300, 120, format), `x.${format}`);
      assert.equal(response.status, 200, `${format}: ${JSON.stringify(response.body)}`);
      const avatar = response.body.avatar;
      assert.deepEqual(Object.keys(avatar.sizes).sort(), ['256', '512', '64']);
      assert.equal(avatar.url, avatar.sizes['512']);
      for (const size of [64, 256, 512]) {
        const image = await t.http.get(path(avatar.sizes[String(size)])).buffer(true);
        assert.equal(image.status, 200);
        assert.equal(image.headers['content-type'], 'image/webp');
        const meta = await sharp(image.body as Buffer).metadata();
        assert.equal(meta.format, 'webp');
        assert.deepEqual([meta.width, meta.height], [size, size], `${format} ${size}`);
      }
    }
  });

  it('turns the image upright by EXIF orientation and strips every metadata block', async () => {
    const photo = await jpegWithExifAndOrientation();
    const input = await sharp(photo).metadata();
    assert.equal(input.orientation, 6, 'the input carries an orientation flag');
    assert.ok(input.exif?.includes('TestCam') && input.xmp, 'the input carries EXIF (with GPS) and XMP');
    const response = await upload(photo, 'photo.jpg', user, 'image/jpeg');
    assert.equal(response.status, 200);
    const image = (await t.http.get(path(response.body.avatar.url)).buffer(true)).body as Buffer;
    const meta = await sharp(image).metadata();
    assert.equal(meta.exif, undefined);
    assert.equal(meta.xmp, undefined);
    assert.equal(meta.iptc, undefined);
    assert.equal(meta.icc, undefined);
    assert.equal(meta.orientation, undefined);
    assert.ok(!image.includes('secret-owner') && !image.includes('TestCam'));
    // Upright, the red half is on top: sample the top and bottom centre.
    const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const [topRed, , topBlue] = pixel(256, 20);
    const [bottomRed, , bottomBlue] = pixel(256, 490);
    assert.ok(topRed > 200 && topBlue < 60, `top is red: ${pixel(256, 20).join(',')}`);
    assert.ok(bottomBlue > 200 && bottomRed < 60, `bottom is blue: ${pixel(256, 490).join(',')}`);
  });

  it('serves with immutable caching, a strong ETag and 304 on If-None-Match', async () => {
    const response = await upload(await solid(100, 100, 'png'));
    const url = path(response.body.avatar.sizes['64']);
    const first = await t.http.get(url);
    assert.equal(first.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(first.headers['x-content-type-options'], 'nosniff');
    const etag = first.headers.etag;
    assert.match(etag, /^"[^"]+"$/);
    const again = await t.http.get(url).set('If-None-Match', etag);
    assert.equal(again.status, 304);
    assert.equal((await t.http.get(url).set('If-None-Match', '"other"')).status, 200);
  });

  it('gives a new upload a new URL, removes the old files, and answers 404 for the old version and unknown sizes', async () => {
    const first = (await upload(await solid(100, 100, 'png'))).body.avatar;
    const second = (await upload(await solid(100, 100, 'jpeg'), 'b.jpg')).body.avatar;
    assert.notEqual(first.url, second.url);
    assertError(await t.http.get(path(first.url)), 404, 'NOT_FOUND');
    assert.equal((await t.http.get(path(second.url))).status, 200);
    assertError(await t.http.get(path(second.url).replace('512.webp', '128.webp')), 404, 'NOT_FOUND');
    assertError(await t.http.get(path(second.url).replace('512.webp', '..%2F..%2Fkeys')), 404, 'NOT_FOUND');
    assertError(await t.http.get(`/api/avatars/${user.userId}/../../keys/x.webp`), 404, 'NOT_FOUND');
    assert.equal((await userFiles(user)).filter((f) => f.endsWith('.webp')).length, 3, 'only the current renditions are stored');
  });

  it('refuses SVG, HTML, PDF, an executable named .png and a declared type that lies, with 415', async () => {
    const png = await solid(50, 50, 'png');
    const cases: Array<[Buffer, string, string]> = [
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'), 'a.svg', 'image/svg+xml'],
      [Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), 'a.png', 'image/png'],
      [Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF'), 'a.pdf', 'application/pdf'],
      [Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\x00'), Buffer.alloc(64)]), 'a.png', 'image/png'],
      [Buffer.concat([Buffer.from('GIF89a<script>alert(1)</script>'), png]), 'a.gif', 'image/gif'],
    ];
    for (const [data, filename, type] of cases) {
      const response = await upload(data, filename, user, type);
      assert.ok([415, 422].includes(response.status), `${filename}: ${response.status}`);
      if (!data.toString('latin1').startsWith('GIF89a')) assertError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('answers 422 INVALID_IMAGE for truncated data and a pixel bomb, quickly and without changing the avatar', async () => {
    const before = (await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`)).body.avatar;
    const jpeg = await solid(400, 400, 'jpeg');
    assertError(await upload(jpeg.subarray(0, jpeg.length / 2), 'cut.jpg', user, 'image/jpeg'), 422, 'INVALID_IMAGE');
    const started = process.hrtime.bigint();
    assertError(await upload(await pngBomb(), 'bomb.png'), 422, 'INVALID_IMAGE');
    assert.ok(process.hrtime.bigint() - started < 2_000_000_000n, 'the bomb is refused from its header');
    const after = (await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`)).body.avatar;
    assert.deepEqual(after, before);
  });

  it('answers 413 for a file over AVATAR_MAX_BYTES, 400 without a `file` part, 415 for a non-multipart request', async () => {
    assertError(await upload(Buffer.alloc(1024 * 1024 + 10, 1), 'big.png'), 413, 'PAYLOAD_TOO_LARGE');
    const wrongField = await t.http
      .put(AVATAR)
      .set('Authorization', `Bearer ${user.accessToken}`)
      .attach('image', await solid(10, 10, 'png'), 'a.png');
    assertError(wrongField, 400, 'VALIDATION_FAILED');
    assertError(await t.http.put(AVATAR).set('Authorization', `Bearer ${user.accessToken}`).send({ file: 'x' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const garbage = await t.http
      .put(AVATAR)
      .set('Authorization', `Bearer ${user.accessToken}`)
      .set('Content-Type', 'multipart/form-data; boundary=x')
      .send('garbage');
    assertError(garbage, 400, 'VALIDATION_FAILED');
    assertError(
      await t.http.put(AVATAR).set('Authorization', `Bearer ${user.accessToken}`).set('Content-Type', 'image/png').send(Buffer.alloc(10)),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('cuts off a huge chunked upload at the limit with 413, without reading it all', async () => {
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const boundary = 'xxBOUNDARYxx';
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'PUT',
          path: AVATAR,
          headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.png"\r\nContent-Type: image/png\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        // Up to 200 MB, but the answer arrives long before.
        while (sent < 200 * 1024 * 1024 && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 413);
    assert.ok(sent < 50 * 1024 * 1024, `stopped after ${sent} bytes`);
  });

  it('keeps the old avatar and leaves no stray files when storage fails mid-upload', async () => {
    const owner = await registerAndLogin(t);
    const good = (await upload(await solid(80, 80, 'png'), 'a.png', owner)).body.avatar;
    const filesBefore = await userFiles(owner);
    const storage = t.app.get(AvatarStorage);
    const realWrite = storage.write.bind(storage);
    let writes = 0;
    storage.write = async (key, data) => {
      writes += 1;
      if (writes === 2) throw new Error('disk on fire');
      return realWrite(key, data);
    };
    try {
      assertError(await upload(await solid(90, 90, 'png'), 'b.png', owner), 503, 'SERVICE_UNAVAILABLE');
    } finally {
      storage.write = realWrite;
    }
    assert.equal((await t.http.get(path(good.url))).status, 200, 'the old avatar still serves');
    assert.deepEqual((await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${owner.accessToken}`)).body.avatar, good);
    assert.deepEqual(await userFiles(owner), filesBefore, 'no stray files');
  });

  it('deletes the avatar idempotently, after which its URLs answer 404', async () => {
    const owner = await registerAndLogin(t);
    const avatar = (await upload(await solid(80, 80, 'png'), 'a.png', owner)).body.avatar;
    for (let i = 0; i < 2; i++) {
      const response = await t.http.delete(AVATAR).set('Authorization', `Bearer ${owner.accessToken}`);
      assert.equal(response.status, 200);
      assert.equal(response.body.avatar, null);
    }
    assertError(await t.http.get(path(avatar.url)), 404, 'NOT_FOUND');
    assert.deepEqual(await userFiles(owner), []);
  });

  it('removes the avatar files with the account', async () => {
    const owner = await registerAndLogin(t);
    await upload(await solid(80, 80, 'png'), 'a.png', owner);
    assert.equal((await userFiles(owner)).filter((f) => f.endsWith('.webp')).length, 3);
    const token = await stepUp(t, owner);
    assert.equal((await t.http.delete('/api/auth/users/me').set('Authorization', `Bearer ${owner.accessToken}`).set('X-Step-Up-Token', token)).status, 204);
    assert.deepEqual(await userFiles(owner), []);
  });

  it('sweeps orphaned versions once they are old enough, and leaves current and fresh ones alone', async () => {
    const owner = await registerAndLogin(t);
    const current = (await upload(await solid(80, 80, 'png'), 'a.png', owner)).body.avatar;
    const storage = t.app.get(AvatarStorage);
    const old = `${(Date.now() - 3600_000).toString(36).padStart(9, '0')}aaaaaaaaaaaa`;
    const fresh = `${Date.now().toString(36).padStart(9, '0')}bbbbbbbbbbbb`;
    await storage.write(`${owner.userId}/${old}/64.webp`, Buffer.from('orphan'));
    await storage.write(`${owner.userId}/${fresh}/64.webp`, Buffer.from('in progress'));
    await t.app.get(AvatarService).sweep();
    const versions = new Set((await userFiles(owner)).map((file) => file.split('/')[0]));
    assert.ok(!versions.has(old), 'the old orphan is gone');
    assert.ok(versions.has(fresh), 'an upload in progress is left alone');
    assert.equal((await t.http.get(path(current.url))).status, 200);
  });

  it('answers 503 and keeps the avatar when the upload cannot be received (the spool is unusable)', async () => {
    const owner = await registerAndLogin(t);
    const good = (await upload(await solid(70, 70, 'png'), 'a.png', owner)).body.avatar;
    const spool = t.app.get(UploadSpool);
    const realCreate = spool.create.bind(spool);
    spool.create = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    try {
      assertError(await upload(await solid(90, 90, 'png'), 'b.png', owner), 503, 'SERVICE_UNAVAILABLE');
    } finally {
      spool.create = realCreate;
    }
    assert.deepEqual((await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${owner.accessToken}`)).body.avatar, good);
  });

  it('sweeps spool files a killed process left, and old ones, but none of another running process', async () => {
    const root = join(t.dataDir, 'uploads');
    const put = (folder: string, name: string, ageMs = 0) => {
      mkdirSync(join(root, folder), { recursive: true });
      const file = join(root, folder, name);
      writeFileSync(file, 'partial upload');
      const when = new Date(Date.now() - ageMs);
      utimesSync(file, when, when);
      return file;
    };
    // A pid that no process has (above the kernel's pid_max), on this host: the process is gone.
    const gone = put(`${hostname()}-4194999`, 'a.upload');
    // Another host's running instance: only what is older than an hour can be no upload of its.
    const stale = put('other-host-12', 'b.upload', 2 * 60 * 60 * 1000);
    const fresh = put('other-host-12', 'c.upload');
    // This host, a running process (this one's parent): left alone.
    const running = put(`${hostname()}-${process.ppid}`, 'd.upload');
    assert.equal(await t.app.get(UploadSpool).sweep(), 2);
    assert.deepEqual(
      [gone, stale, fresh, running].map((file) => existsSync(file)),
      [false, false, true, true],
    );
  });

  it('leaves nothing in the upload spool after any upload, accepted or refused', async () => {
    await t.app.get(AvatarService).settled();
    const root = join(t.dataDir, 'uploads');
    const left = readdirSync(root, { recursive: true })
      .map(String)
      .filter((entry) => entry.endsWith('.upload') && !entry.startsWith('other-host-') && !entry.startsWith(`${hostname()}-${process.ppid}`))
      .filter((entry) => statSync(join(root, entry)).isFile());
    assert.deepEqual(left, []);
  });
});

describe('avatar uploads under pressure', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ AVATAR_RATE_LIMIT: '3/1h', AVATAR_CONCURRENCY: '1', AVATAR_MAX_IN_FLIGHT: '2' });
  });
  after(() => t.close());

  const upload = async (who: SignedIn) =>
    t.http
      .put(AVATAR)
      .set('Authorization', `Bearer ${who.accessToken}`)
      .attach('file', await solid(40, 40, 'png'), 'a.png');

  it('serves avatars that a page on another origin may show (Cross-Origin-Resource-Policy: cross-origin)', async () => {
    const uploaded = await upload(await registerAndLogin(t));
    const image = await t.http.get(new URL(uploaded.body.avatar.url).pathname);
    assert.equal(image.status, 200);
    assert.equal(image.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal((await t.http.get('/api/health')).headers['cross-origin-resource-policy'], 'same-origin', 'other responses keep same-origin');
  });

  it('limits uploads per account (AVATAR_RATE_LIMIT)', async () => {
    const user = await registerAndLogin(t);
    for (let i = 0; i < 3; i++) assert.equal((await upload(user)).status, 200);
    const limited = await upload(user);
    assertError(limited, 429, 'TOO_MANY_REQUESTS');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await upload(await registerAndLogin(t))).status, 200, 'another account is not limited');
  });

  it('takes a pipeline place before reading the body, and answers 503 with Retry-After past the cap', async () => {
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const image = await solid(60, 60, 'png');
    const boundary = 'pressureboundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    // Two uploads hold both places: their bodies are only half sent.
    const held = await Promise.all(
      [0, 1].map(async () => {
        const who = await registerAndLogin(t);
        const request = httpRequest({
          port,
          host: '127.0.0.1',
          method: 'PUT',
          path: AVATAR,
          headers: {
            authorization: `Bearer ${who.accessToken}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': head.length + image.length + tail.length,
          },
        });
        const status = new Promise<number>((resolve, reject) => {
          request.on('response', (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          });
          request.on('error', reject);
        });
        request.write(Buffer.concat([head, image.subarray(0, 10)]));
        return { request, status };
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await upload(await registerAndLogin(t));
    assertError(refused, 503, 'SERVICE_UNAVAILABLE');
    assert.ok(Number(refused.headers['retry-after']) > 0);
    for (const { request } of held) request.end(Buffer.concat([image.subarray(10), tail]));
    assert.deepEqual(await Promise.all(held.map(({ status }) => status)), [200, 200]);
    assert.equal((await upload(await registerAndLogin(t))).status, 200, 'the places are given back');
  });
});
