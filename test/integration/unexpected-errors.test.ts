import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, graphql } from '../helpers/oauth.js';
import { useTestApp } from '../helpers/use-test-app.js';

// A database that goes away under the app is the most ordinary unexpected failure: what reaches the client is a
// generic error, and what reaches the log names the failure without SQL, values or a stack.
const t = useTestApp();

beforeAll(async () => {
  // Not the client table: bearer authentication reads it (joined with the token's state) before any route runs.
  await t.app.db.orm.em.getConnection().execute('drop table policy cascade');
});

describe('an unexpected failure', () => {
  it('is a bare 500 on REST', async () => {
    const response = await t.app.fetch('/api/v1/dsr/policy', {
      headers: { ...bearer(t.root), 'X-Request-Id': 'support-ticket-42' },
    });
    expect(response.status).toBe(500);
    // The id a user can quote: theirs when they sent one, else a fresh one, in the body, the header and the log.
    expect(response.headers.get('x-request-id')).toBe('support-ticket-42');
    expect(await response.json()).toEqual({ detail: 'Internal Server Error', request_id: 'support-ticket-42' });
  });

  it('is masked in GraphQL', async () => {
    const { status, body } = await graphql(t.app, '{ policies { total } }', {}, bearer(t.root));
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { policies: null },
      errors: [
        {
          message: 'Unexpected error.',
          locations: [{ line: 1, column: 3 }],
          path: ['policies'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
  });

  it('is logged without SQL or stack', async () => {
    const errors = t.app.log.lines.filter((line) => line.level === 'error');
    expect(errors.map((line) => line.message)).toEqual([
      'unexpected error in a REST route',
      'unexpected error in a GraphQL operation',
    ]);
    expect((errors[0]!.fields as { requestId: string }).requestId).toBe('support-ticket-42');
    expect((errors[1]!.fields as { requestId: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
    for (const line of errors) {
      expect(line.fields).toMatchObject({ error: 'TableNotFoundException', code: '42P01' });
      expect(JSON.stringify(line.fields)).not.toMatch(/insert into|select |at .*\.ts/i);
    }
  });
});
