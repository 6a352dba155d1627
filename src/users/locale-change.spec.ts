import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localeChange } from './locale-change';

const DAY = 86_400;
const now = new Date('2026-12-07T12:00:00Z');
const inAWeek = new Date(now.getTime() + 7 * DAY * 1000);
const settled = { previousLocale: null, previousLocaleUntil: null };

describe('localeChange', () => {
  it('remembers the language before a change for the look-back', () => {
    assert.deepEqual(localeChange({ locale: 'de', ...settled }, 'ja', now, 7 * DAY), { previousLocale: 'de', previousLocaleUntil: inAWeek });
  });

  it('a second change inside the look-back keeps the first one’s language, and restarts the time', () => {
    const first = { locale: 'ja', previousLocale: 'de', previousLocaleUntil: new Date(now.getTime() + 1000) };
    assert.deepEqual(localeChange(first, 'ar', now, 7 * DAY), { previousLocale: 'de', previousLocaleUntil: inAWeek });
  });

  it('changing back ends the overlap', () => {
    const first = { locale: 'ja', previousLocale: 'de', previousLocaleUntil: new Date(now.getTime() + 1000) };
    assert.deepEqual(localeChange(first, 'de', now, 7 * DAY), settled);
  });

  it('after the look-back, the current language is the one remembered', () => {
    const old = { locale: 'ja', previousLocale: 'de', previousLocaleUntil: new Date(now.getTime() - 1000) };
    assert.deepEqual(localeChange(old, 'fr', now, 7 * DAY), { previousLocale: 'ja', previousLocaleUntil: inAWeek });
  });
});
