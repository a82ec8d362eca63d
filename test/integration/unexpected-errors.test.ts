import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, graphql, rootToken } from '../helpers/oauth.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// A database that goes away under the app is the most ordinary unexpected failure: what reaches the client is a
// generic error, and what reaches the log names the failure without SQL, values or a stack.
let app: TestApp;
let root: string;

beforeAll(async () => {
  app = await startTestApp();
  root = await rootToken(app);
  await app.db.orm.em.getConnection().execute('drop table client');
});
afterAll(() => app?.close());

describe('an unexpected failure', () => {
  it('is a bare 500 on REST', async () => {
    const response = await app.fetch('/api/v1/oauth/client', {
      method: 'POST',
      headers: { ...bearer(root), 'X-Request-Id': 'support-ticket-42' },
      body: '["policy:read"]',
    });
    expect(response.status).toBe(500);
    // The id a user can quote: theirs when they sent one, else a fresh one, in the body, the header and the log.
    expect(response.headers.get('x-request-id')).toBe('support-ticket-42');
    expect(await response.json()).toEqual({ detail: 'Internal Server Error', request_id: 'support-ticket-42' });
  });

  it('is masked in GraphQL', async () => {
    const { status, body } = await graphql(app, 'mutation { createClient(scopes: []) { clientId } }', {}, bearer(root));
    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message: 'Unexpected error.',
          locations: [{ line: 1, column: 12 }],
          path: ['createClient'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
  });

  it('is logged without SQL or stack', async () => {
    const errors = app.log.lines.filter((line) => line.level === 'error');
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
