import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subjectMatches } from './subject-pattern';

describe('subject patterns (NATS wildcards)', () => {
  it('matches `*` to one token and a final `>` to one or more', () => {
    assert.equal(subjectMatches('profile.updated', 'profile.updated'), true);
    assert.equal(subjectMatches('profile.*', 'profile.email_changed'), true);
    assert.equal(subjectMatches('profile.*', 'user.deleted'), false);
    assert.equal(subjectMatches('*.deleted', 'user.deleted'), true);
    assert.equal(subjectMatches('>', 'user.locked'), true);
    assert.equal(subjectMatches('user.>', 'user.locked'), true);
    assert.equal(subjectMatches('user.>', 'user'), false);
    assert.equal(subjectMatches('profile', 'profile.updated'), false);
    assert.equal(subjectMatches('profile.updated.x', 'profile.updated'), false);
  });
});
