import { describe, expect, it } from 'vitest';
import { safeErrorFields } from '../../src/core/logger.js';

describe('safeErrorFields', () => {
  it('keeps the kind, code and message of an ordinary error, never its stack', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(safeErrorFields(error)).toEqual({
      error: 'Error',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:5432',
    });
  });

  it.each([
    `select "secret_hash", "scopes" from "client" where "id" = 'c6eb0b25' - Connection terminated unexpectedly`,
    `insert into "revoked_token" ("jti") values ('9a1f') - timeout`,
    `update "client" set "scopes" = '{}' where "id" = 'x' - deadlock detected`,
    `delete from "client" where "id" = 'x' - canceling statement`,
  ])('drops a message that quotes a query, as knex writes them: %s', (message) => {
    expect(safeErrorFields(new Error(message))).toEqual({ error: 'Error' });
  });
});
