import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInwardAddress } from './private-address';

describe('inward addresses', () => {
  it('counts loopback, private, link-local, shared, mapped and unspecified addresses as inward', () => {
    for (const address of [
      '127.0.0.1',
      '127.9.9.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '224.0.0.1',
      'not-an-address',
    ]) {
      assert.equal(isInwardAddress(address), true, address);
    }
  });

  it('lets public addresses through', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '2001:4860:4860::8888']) {
      assert.equal(isInwardAddress(address), false, address);
    }
  });
});
