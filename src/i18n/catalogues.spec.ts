import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Catalogue, readCatalogues, supportedLanguages } from './catalogue';
import { catalogueProblems } from './catalogue-check';

// The check a new language must pass: `node scripts/run-tests.mjs catalogues` after `nest build`.
describe('message catalogues', () => {
  const catalogues = readCatalogues();
  const reference = catalogues.get('en');

  it('has the six languages, English as the reference', () => {
    assert.ok(reference, 'en.json is the reference catalogue');
    for (const language of ['en', 'de', 'fr', 'es', 'ja', 'ar']) assert.ok(catalogues.has(language), `${language}.json`);
    assert.deepEqual(supportedLanguages(), [...catalogues.keys()].sort());
  });

  for (const [language, messages] of catalogues) {
    it(`${language}: every key of the reference, each message parses, the same placeholders and select options`, () => {
      assert.deepEqual(catalogueProblems(language, messages, reference ?? {}), []);
    });
  }

  it('finds a missing key, an extra key, a message that does not parse, a lost placeholder and a wrong plural', () => {
    const ref = { 'meta.direction': 'ltr', a: 'Hello {name}', b: '{n, plural, one {# day} other {# days}}', c: '{first, select, yes {A} other {B}}' };
    const problems = catalogueProblems(
      'de',
      { 'meta.direction': 'ltr', a: 'Hallo', b: '{n, plural, one {# Tag} few {# Tage} other {# Tage}}', x: 'Hallo {', c: '{first, select, other {B}}' },
      ref,
    );
    assert.ok(
      problems.some((p) => p.includes('"a" has placeholders {}')),
      problems.join('\n'),
    );
    assert.ok(problems.some((p) => p.includes('"x" does not parse')));
    assert.ok(problems.some((p) => p.includes('"x" is not in the reference')));
    assert.ok(problems.some((p) => p.includes('"few"')));
    assert.ok(problems.some((p) => p.includes('"c" selects {first} by other')));
    assert.ok(catalogueProblems('de', { a: 'Hallo {name}' }, ref).some((p) => p.includes('"b" is missing')));
  });

  it('Arabic is written right to left, the others left to right', () => {
    for (const [language, messages] of catalogues) assert.equal(new Catalogue(language, messages).direction, language === 'ar' ? 'rtl' : 'ltr', language);
  });
});
