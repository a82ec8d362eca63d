import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topLevelMemberNames } from '../../src/rest/json-member-names.js';

describe('topLevelMemberNames', () => {
  it.each([
    ['{}', []],
    ['{"a":1,"b":2}', ['a', 'b']],
    ['{"a":1,"a":2}', ['a', 'a']],
    // Escapes are decoded, so a name spelled differently is still the same name.
    ['{"client\\u005fid":"x","client_id":"y"}', ['client_id', 'client_id']],
    ['{"\\u00e9":1,"é":2,"\\ud83d\\ude00":3}', ['é', 'é', '😀']],
    // Strings holding quotes, braces, brackets, commas, colons and backslashes are skipped whole.
    ['{"a":"x\\",\\"b\\":{[,","c":"\\\\","d\\"":"}"}', ['a', 'c', 'd"']],
    // Names inside nested values are not top-level names, repeated or not.
    ['{"a":{"b":1,"b":2},"c":[{"d":1},"e"],"f":"g"}', ['a', 'c', 'f']],
    [' \n{ "a" :\t1 ,\r\n "b" : [ ] , "c" : { } }\n', ['a', 'b', 'c']],
    ['{"":1,"":2}', ['', '']],
  ])('%s', (json, names) => {
    expect(JSON.parse(json)).toBeTypeOf('object');
    expect(topLevelMemberNames(json)).toEqual(names);
  });

  it('walks deep nesting without recursion', () => {
    const depth = 300_000;
    const json = `{"a":${'['.repeat(depth)}${']'.repeat(depth)},"a":{"x":${'{"y":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
    expect(topLevelMemberNames(json)).toEqual(['a', 'a']);
  });

  it('refuses an unterminated string instead of reading past the end', () => {
    expect(() => topLevelMemberNames('{"a')).toThrow(SyntaxError);
    expect(() => topLevelMemberNames('{"a\\"}')).toThrow(SyntaxError);
  });

  it('finds every name, in order, in any JSON object text, however names are escaped and spaced', () => {
    const space = fc.constantFrom('', ' ', '\n', '\t ', '\r\n  ');
    // Each name either as JSON.stringify writes it or with every code unit as \uXXXX.
    const name = fc.tuple(fc.string({ unit: 'binary', maxLength: 8 }), fc.boolean()).map(([text, escaped]) => ({
      text,
      json: escaped
        ? `"${[...Array(text.length).keys()].map((i) => `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"`
        : JSON.stringify(text),
    }));
    const member = fc.record({ name, value: fc.jsonValue({ maxDepth: 3 }), before: space, after: space });
    fc.assert(
      fc.property(fc.array(member, { maxLength: 8 }), space, (members, inner) => {
        const json = `{${inner}${members.map((m) => `${m.before}${m.name.json}${m.after}:${m.before}${JSON.stringify(m.value)}${m.after}`).join(',')}${inner}}`;
        expect(JSON.parse(json)).toBeTypeOf('object');
        expect(topLevelMemberNames(json)).toEqual(members.map((m) => m.name.text));
      }),
      { numRuns: 2000 },
    );
  });
});
