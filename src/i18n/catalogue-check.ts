import { type MessageFormatElement, TYPE, parse } from '@formatjs/icu-messageformat-parser';
import { type Messages, PARSE_OPTIONS } from './catalogue';

/** What a message asks of its caller: its placeholders, and the options of each `select`. */
interface Shape {
  placeholders: Set<string>;
  selects: Map<string, Set<string>>;
}

/**
 * The problems of a translation against the reference catalogue (English): keys missing or extra, messages that
 * do not parse, placeholders or select options that differ, plural categories the language does not have.
 * An empty list: the catalogue is complete.
 */
export function catalogueProblems(language: string, messages: Messages, reference: Messages): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(reference)) if (!(key in messages)) problems.push(`${language}: "${key}" is missing`);
  for (const key of Object.keys(messages)) if (!(key in reference)) problems.push(`${language}: "${key}" is not in the reference catalogue`);
  const categories = new Set<string>(new Intl.PluralRules(language).resolvedOptions().pluralCategories);
  for (const [key, text] of Object.entries(messages)) {
    if (typeof text !== 'string') {
      problems.push(`${language}: "${key}" is not a string`);
      continue;
    }
    let shape: Shape;
    try {
      shape = shapeOf(parse(text, PARSE_OPTIONS), categories, (problem) => problems.push(`${language}: "${key}" ${problem}`));
    } catch (error) {
      problems.push(`${language}: "${key}" does not parse: ${(error as Error).message}`);
      continue;
    }
    if (!(key in reference)) continue;
    const expected = shapeOf(parse(reference[key], PARSE_OPTIONS), null, () => undefined);
    const [have, want] = [[...shape.placeholders].sort().join(', '), [...expected.placeholders].sort().join(', ')];
    if (have !== want) problems.push(`${language}: "${key}" has placeholders {${have}}, the reference {${want}}`);
    for (const [name, options] of expected.selects) {
      const own = [...(shape.selects.get(name) ?? [])].sort().join(', ');
      if (own !== [...options].sort().join(', '))
        problems.push(`${language}: "${key}" selects {${name}} by ${own || 'nothing'}, the reference by ${[...options].sort().join(', ')}`);
    }
  }
  if (messages['meta.direction'] !== 'ltr' && messages['meta.direction'] !== 'rtl') problems.push(`${language}: "meta.direction" must be ltr or rtl`);
  return problems;
}

function shapeOf(elements: MessageFormatElement[], categories: Set<string> | null, report: (problem: string) => void): Shape {
  const shape: Shape = { placeholders: new Set(), selects: new Map() };
  const walk = (list: MessageFormatElement[]): void => {
    for (const element of list) {
      if (element.type === TYPE.argument || element.type === TYPE.number || element.type === TYPE.date || element.type === TYPE.time) {
        shape.placeholders.add(element.value);
      } else if (element.type === TYPE.select) {
        shape.placeholders.add(element.value);
        shape.selects.set(element.value, new Set(Object.keys(element.options)));
        for (const option of Object.values(element.options)) walk(option.value);
      } else if (element.type === TYPE.plural) {
        shape.placeholders.add(element.value);
        for (const [category, option] of Object.entries(element.options)) {
          if (categories && !category.startsWith('=') && !categories.has(category))
            report(`uses the plural category "${category}", which this language does not have`);
          walk(option.value);
        }
        if (!('other' in element.options)) report(`has a plural without "other"`);
      } else if (element.type === TYPE.tag) {
        walk(element.children);
      }
    }
  };
  walk(elements);
  return shape;
}
