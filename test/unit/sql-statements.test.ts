import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import fc from 'fast-check';
import { loadModule, scanSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { countStatements } from '../../src/db/sql-statements.js';

// MikroORM inlines every parameter into the SQL text before the driver sees it; this is how.
const platform = new PostgreSqlPlatform();

describe('countStatements', () => {
  it.each([
    ['', 0],
    ['  \n', 0],
    [';;', 0],
    ['-- only a comment', 0],
    ['select 1', 1],
    ['select 1;', 1],
    ['select 1; -- done', 1],
    ['select 1; /* done */ ;', 1],
    ['select 1; select 2', 2],
    ['select 1;\nselect 2;\n', 2],
    // Quoted values, identifiers and comments that hold a `;`.
    ["select ';'", 1],
    ["select 'a'';--'", 1],
    [`select "a;""b"`, 1],
    ['select 1 -- ; select 2', 1],
    ['select 1 /* ; */', 1],
    ['select 1 /* a /* b */ ; */', 1],
    ['select 1 /* a /* b */ */; select 2', 2],
    // Escape strings: `\'` and `\\` inside E'…' only.
    ["select E'\\';'", 1],
    ["select e'\\\\'; select 2", 2],
    ["select '\\'; select 2", 2],
    ["select E'x\\\\''; select 1; --'", 1],
    ["select E'a'\n'\\';'", 1],
    ["select E'a' -- gap\n  '\\';'", 1],
    ["select E'a' /* no continuation */ '\\'; select 2", 2],
    ["select E'a' '\\'; select 2", 2],
    ["select type'\\'; select 2", 2],
    // Dollar quoting.
    ['select $$;$$', 1],
    ['select $$;$$; select 2', 2],
    ['select $fn$ select 1; $$ ; $fn$', 1],
    ['select $a$ $b$ ; $b$ $a$; select 2', 2],
    ['select $A$ ; $a$ ; $A$', 1],
    ['select a$b$ from t; select $b$;$b$', 2],
    ['select $1; select $2', 2],
    ['select 1$a$;$a$', 1],
    // Open constructs run to the end.
    ["select ';", 1],
    ['select $$;', 1],
    ['select 1 /* ;', 1],
  ])('%j → %i', (sql, count) => {
    expect(countStatements(sql)).toBe(count);
  });

  it('counts one statement for any value MikroORM inlines', () => {
    expect(platform.formatQuery('select ?', ["x\\'; select 1; --"])).toBe("select  E'x\\\\''; select 1; --'");
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (id, name) => {
        const sql = platform.formatQuery('update "client" set "name" = ? where "id" = ? returning "id"', [name, id]);
        expect(countStatements(sql)).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });
});

// PostgreSQL's own lexer (libpg_query, PostgreSQL 17 like PGlite) as the reference: every text it can lex must get
// the same count from ours.
describe('countStatements agrees with PostgreSQL’s lexer', () => {
  beforeAll(() => loadModule());

  function postgresCount(sql: string): number | undefined {
    let tokens;
    try {
      tokens = scanSync(sql).tokens;
    } catch {
      return undefined;
    }
    let statements = 0;
    let hasContent = false;
    for (const token of tokens) {
      if (token.tokenName === 'ASCII_59') {
        if (hasContent) statements++;
        hasContent = false;
      } else if (token.tokenName !== 'SQL_COMMENT' && token.tokenName !== 'C_COMMENT') {
        hasContent = true;
      }
    }
    return hasContent ? statements + 1 : statements;
  }

  const piece = fc.constantFrom(
    ...[';', ' ', '\n', '\r', '\r\n', '\t', '\f', '\v', "'", "''", '"', '""', 'E', 'e', "E'", 'b', "b'", 'X', 'N'],
    ...['U&', '&', '\\', "\\'", '\\\\', '$', '$$', '$$$', '$a$', '$A$', '$_$', '$é$', '$1', 'a', 'x1', 'é', '1', '.'],
    ...['--', '-- x\n', '-', '/*', '*/', '/', '*', 'select ', '(', ')', ',', '+'],
  );

  it('on texts made of quoting and comment fragments', () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24, size: 'max' }), (pieces) => {
        const sql = pieces.join('');
        const expected = postgresCount(sql);
        if (expected === undefined) return;
        compared++;
        expect(countStatements(sql), JSON.stringify(sql)).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
    // Most random texts fail to lex; make sure enough of them did not.
    expect(compared).toBeGreaterThan(1_000);
  });
});
