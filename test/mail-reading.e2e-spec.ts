import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readableMessage } from './helpers/mime-text';
import { linkToken, lockToken } from './helpers/test-app';

/** The tests read every link out of mails with these helpers: a token they misread fails a test at random. */
describe('reading links out of a sent mail', () => {
  const wire = (body: string) =>
    `Subject: =?UTF-8?Q?Best=C3=A4tigen?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${body}\r\n`;

  it('takes every token whole, whatever its first characters (one in 4 096 begins with "3D")', () => {
    for (const token of ['3Dabc_DEF-123', '3D3Dxyz', 'plain-token_42']) {
      const mail = { raw: readableMessage(wire(`Best=C3=A4tigen: https://id.example.test/verify-email?token=3D${token}`)) };
      assert.equal(linkToken(mail), token);
    }
  });

  it('joins a token broken by a soft line break, and tells the lock link from the others', () => {
    const body = 'https://id.example.test/reset-password?token=3Dabc=\r\ndef\r\nhttps://id.example.test/lock-account?token=3Dlock-1';
    const mail = { raw: readableMessage(wire(body)) };
    assert.equal(linkToken(mail), 'abcdef');
    assert.equal(lockToken(mail), 'lock-1');
    assert.throws(() => linkToken(mail, 'revert-email'), /no revert-email link token/);
  });
});
