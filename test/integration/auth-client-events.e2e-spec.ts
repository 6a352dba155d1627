import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProfileEvents } from '../../packages/nest-auth-client/src/events';
import { AccountEvents } from '../../src/events/account-events';

/** The client package stands alone (its own copy of the subjects): it must name exactly what the service sends. */
describe('packages/nest-auth-client', () => {
  it('names the same events as the service publishes', () => {
    assert.deepEqual(ProfileEvents, AccountEvents);
  });
});
