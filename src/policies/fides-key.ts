import anyAscii from 'any-ascii';

/** Fides' key alphabet: letters, digits, `.`, `_`, `<`, `>`, `-`. */
const FIDES_KEY = /^[A-Za-z0-9._<>-]+$/;
export const KEY_MAX_LENGTH = 200;

/** The message Fides gives for a bad key, or null when the key is valid. */
export function fidesKeyProblem(value: string): string | null {
  if (value.length > KEY_MAX_LENGTH)
    return `FidesKeys must be at most ${KEY_MAX_LENGTH} characters. Value provided: ${value.slice(0, 40)}…`;
  if (!FIDES_KEY.test(value)) {
    return `FidesKeys must only contain alphanumeric characters, '.', '_', '<', '>' or '-'. Value provided: ${value}`;
  }
  return null;
}

// Python's whitespace among ASCII characters (str.isspace, and `\s` in a str pattern): JavaScript's `\s` and trim()
// leave out \x1c-\x1f.
const SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f ';
const EDGE_SPACE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'g');
const NOT_WORD_SPACE_OR_HYPHEN = new RegExp(`[^A-Za-z0-9_${SPACE}-]`, 'g');
const SPACES_AND_HYPHENS = new RegExp(`[${SPACE}-]+`, 'g');

/**
 * A key from a name, as Fides makes one (`to_snake_case` in fides/api/util/text.py): transliterated to ASCII with
 * the same library Fides uses (anyascii 0.3.2), lower-cased and trimmed; every character other than a letter, digit,
 * `_`, whitespace or `-` is deleted (`foo*bar` → `foobar`, `user.name` → `username`); runs of whitespace and hyphens
 * become one `_`. May be empty (`***`), which is no key.
 */
export function keyFromName(name: string): string {
  return anyAscii(name)
    .toLowerCase()
    .replace(EDGE_SPACE, '')
    .replace(NOT_WORD_SPACE_OR_HYPHEN, '')
    .replace(SPACES_AND_HYPHENS, '_');
}
