/**
 * How many statements a PostgreSQL text holds: the `;` that PostgreSQL's own lexer (src/backend/parser/scan.l)
 * would see outside strings, quoted identifiers, dollar-quoted bodies and comments. A stretch between two of them
 * that holds only whitespace and comments is no statement, so `select 1;` and `select 1; -- done` count one.
 *
 * The embedded driver sends a text holding several statements through PGlite's `exec`, whose multi-result answer
 * MikroORM would read as a phantom row (see pglite-driver.ts). So a `;` inside a value must never count here; a real
 * second statement that we miss only fails loudly (PostgreSQL refuses it in a prepared statement). Where the text
 * is not valid SQL (an unterminated string or comment), the open construct runs to the end, which also errs towards
 * one statement.
 *
 * Assumes `standard_conforming_strings = on` (PostgreSQL's default since 9.1, and PGlite's): a backslash escapes only
 * inside `E'…'`. MikroORM inlines values with pg's `escapeLiteral`, which doubles quotes and switches to `E'…'` with
 * doubled backslashes, so the values it inlines scan the same under either setting.
 */
export function countStatements(sql: string): number {
  let statements = 0;
  let hasContent = false;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === ';') {
      if (hasContent) statements++;
      hasContent = false;
      i++;
    } else if (isSpace(c)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      i = lineCommentEnd(sql, i);
    } else if (sql.startsWith('/*', i)) {
      i = blockCommentEnd(sql, i);
    } else {
      hasContent = true;
      i = tokenEnd(sql, i);
    }
  }
  return hasContent ? statements + 1 : statements;
}

// One token that is neither whitespace, a comment nor `;`; returns where it ends.
function tokenEnd(sql: string, i: number): number {
  const c = sql[i]!;
  if (c === "'") return quotedEnd(sql, i + 1, false);
  if (c === '"') return identifierEnd(sql, i + 1);
  if (c === '$') return dollarEnd(sql, i);
  if (isIdentStart(c)) {
    let end = i + 1;
    while (end < sql.length && isIdentCont(sql[end]!)) end++;
    // Only a lone E (not the last letter of a longer word) makes an escape string: `type'x'` is a word and a string.
    if (end === i + 1 && (c === 'e' || c === 'E') && sql[end] === "'") return quotedEnd(sql, end + 1, true);
    return end;
  }
  if (isDigit(c)) {
    // Numbers (and junk glued to them, which PostgreSQL refuses) never hold `$`, so `1$a$;$a$` is a number, then a body.
    let end = i + 1;
    while (end < sql.length && /[0-9A-Za-z_.]/.test(sql[end]!)) end++;
    return end;
  }
  return i + 1;
}

// A string from just after its opening quote. `''` is a quote inside it; in an escape string, so is `\'`, and `\\` is
// a backslash. A quote followed by a newline-bearing gap and another quote continues the same string (SQL standard
// concatenation): that matters for an escape string, whose continuation still takes backslash escapes.
function quotedEnd(sql: string, from: number, backslashEscapes: boolean): number {
  let i = from;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === "'") {
      if (sql[i + 1] === "'") {
        i += 2;
      } else {
        const next = continuedQuote(sql, i + 1);
        if (next === -1) return i + 1;
        i = next + 1;
      }
    } else {
      i++;
    }
  }
  return sql.length;
}

// scan.l's {quotecontinue}: horizontal space and `--` comments, at least one newline, then any whitespace and
// `--` comments, then a quote. Returns the quote's index, or -1. Block comments do not qualify.
function continuedQuote(sql: string, from: number): number {
  let sawNewline = false;
  let i = from;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\n' || c === '\r') {
      sawNewline = true;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\f' || (sawNewline && c === '\v')) {
      i++;
    } else if (sql.startsWith('--', i)) {
      i = lineCommentEnd(sql, i);
    } else {
      return sawNewline && c === "'" ? i : -1;
    }
  }
  return -1;
}

// A quoted identifier from just after its opening quote; `""` is a quote inside it. No backslash escapes, ever.
function identifierEnd(sql: string, from: number): number {
  let i = from;
  while (i < sql.length) {
    if (sql[i] === '"') {
      if (sql[i + 1] !== '"') return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return sql.length;
}

// `$tag$…$tag$` (tag: an identifier without `$`, possibly empty); otherwise a parameter such as `$1`, or a lone `$`.
// A `$` inside a word (`a$b$`) never gets here: the word took it.
function dollarEnd(sql: string, i: number): number {
  const delimiterAt = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)?\$/y;
  delimiterAt.lastIndex = i;
  const delimiter = delimiterAt.exec(sql)?.[0];
  if (delimiter === undefined) {
    let end = i + 1;
    while (end < sql.length && isDigit(sql[end]!)) end++;
    return end;
  }
  const close = sql.indexOf(delimiter, i + delimiter.length);
  return close === -1 ? sql.length : close + delimiter.length;
}

// `--` to the end of the line; the newline itself is left as whitespace.
function lineCommentEnd(sql: string, i: number): number {
  let end = i + 2;
  while (end < sql.length && sql[end] !== '\n' && sql[end] !== '\r') end++;
  return end;
}

// Block comments nest in PostgreSQL: `/* a /* b */ ; */` is one comment.
function blockCommentEnd(sql: string, i: number): number {
  let depth = 1;
  let end = i + 2;
  while (end < sql.length) {
    if (sql.startsWith('/*', end)) {
      depth++;
      end += 2;
    } else if (sql.startsWith('*/', end)) {
      end += 2;
      if (--depth === 0) return end;
    } else {
      end++;
    }
  }
  return sql.length;
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isDigit = (c: string) => c >= '0' && c <= '9';
// scan.l's ident_start and ident_cont; every non-ASCII character is an identifier character (its UTF-8 bytes are).
const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c >= '\u0080';
const isIdentCont = (c: string) => isIdentStart(c) || isDigit(c) || c === '$';
