import { describe, expect, it } from 'vitest';
import { bearer, callJson, createClientWith } from '../helpers/oauth.js';
import { TEST_DATABASE_URL } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Real concurrent connections: PostgreSQL only (PGlite serialises everything).
describe.skipIf(!TEST_DATABASE_URL)('concurrency on PostgreSQL', () => {
  const t = useTestApp();

  it('200 concurrent client creations make 200 rows', async () => {
    const before = (await t.app.db.orm.em.fork().getConnection().execute('select count(*)::int as n from client'))[0]
      .n as number;
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        callJson(t.app, 'POST', '/api/v1/oauth/client', t.root, { scopes: ['policy:read'], name: `c${i}` }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(200).fill(200));
    const ids = new Set(
      await Promise.all(
        responses.map(async (response) => ((await response.json()) as { client_id: string }).client_id),
      ),
    );
    expect(ids.size).toBe(200);
    expect(await t.app.db.orm.em.fork().getConnection().execute('select count(*)::int as n from client')).toEqual([
      { n: before + 200 },
    ]);
  });

  it('concurrent scope updates of one client end in one of the written states, never a mix', async () => {
    const target = await createClientWith(t.app, ['policy:read'], t.root);
    const states = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? ['rule:read', 'policy:read', `client:read`] : ['scope:read', 'client:update']).slice(
        0,
        1 + (i % 3),
      ),
    );
    const responses = await Promise.all(
      states.map((scopes) => callJson(t.app, 'PUT', `/api/v1/oauth/client/${target.client_id}/scope`, t.root, scopes)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const final = await (
      await t.app.fetch(`/api/v1/oauth/client/${target.client_id}/scope`, { headers: bearer(t.root) })
    ).json();
    expect(states).toContainEqual(final);
  });
});
