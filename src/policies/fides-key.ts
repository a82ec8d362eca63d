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

/** A key from a name, as Fides generates one: snake_case, anything outside the alphabet becoming `_`. */
export function keyFromName(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9._<>-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
}
