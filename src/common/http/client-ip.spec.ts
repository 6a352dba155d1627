import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalIp, rateLimitSubject } from './client-ip';

describe('client addresses', () => {
  it('spell one address one way', () => {
    assert.equal(canonicalIp('2001:0db8::1'), '2001:db8::1');
    assert.equal(canonicalIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
    assert.equal(canonicalIp('::FFFF:192.0.2.7'), '192.0.2.7');
    assert.equal(canonicalIp('::ffff:c000:0207'), '192.0.2.7');
    assert.equal(canonicalIp('192.0.2.7'), '192.0.2.7');
    assert.equal(canonicalIp('fe80::1%eth0'), 'fe80::1');
    assert.equal(canonicalIp('::1'), '::1');
    assert.equal(canonicalIp('2001:db8:0:1:0:0:0:0'), '2001:db8:0:1::');
  });

  it('count IPv6 clients by their /64 and IPv4 clients by their address', () => {
    assert.equal(rateLimitSubject('2001:db8:aa:bb:1::1'), '2001:db8:aa:bb::/64');
    assert.equal(rateLimitSubject('2001:0DB8:00aa:bb:ffff:1:2:3'), '2001:db8:aa:bb::/64');
    assert.equal(rateLimitSubject('::ffff:10.0.0.1'), '10.0.0.1');
    assert.equal(rateLimitSubject('10.0.0.1'), '10.0.0.1');
  });
});
