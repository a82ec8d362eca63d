/**
 * Whether a parsed input holds U+0000 anywhere, in a key or a string. PostgreSQL text cannot store it, so inputs
 * carrying one are refused where they arrive instead of failing inside a query. Iterative: no deep recursion.
 */
export function hasNulCharacter(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return true;
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes('\u0000')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/**
 * Whether a parsed input nests objects and arrays more than `limit` levels deep (the outermost counts as one).
 * Iterative, and stops at the first level past the limit: a hostile document cannot overflow the stack here, and
 * code that walks inputs recursively only ever sees shallow ones.
 */
export function isNestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, level] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (level > limit) return true;
    for (const child of Object.values(current)) stack.push([child, level + 1]);
  }
  return false;
}

/**
 * A caller-supplied string made safe for a log line: control and other invisible characters replaced, and cut to
 * `max` characters, so a hostile value can neither forge lines nor fill the log.
 */
export function forLog(value: string, max = 64): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return shown.replace(/[\p{C}]/gu, '?');
}

/**
 * Whether a string is empty or only whitespace, as Python's `str.strip()` sees it (Fides' check for an empty name):
 * its whitespace includes the information separators U+001C–U+001F and U+0085, and not U+FEFF, unlike JavaScript's
 * `trim()`.
 */
export function isBlank(value: string): boolean {
  for (const character of value) if (!PYTHON_WHITESPACE.has(character.codePointAt(0)!)) return false;
  return true;
}

/** Every character for which Python's `str.isspace()` is true. */
const PYTHON_WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);
