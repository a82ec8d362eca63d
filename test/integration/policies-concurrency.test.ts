import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, rootToken } from '../helpers/oauth.js';
import { startTestApp, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';

// Races need real concurrent connections: PGlite runs every transaction serially, so these run on PostgreSQL only.
describe.skipIf(!TEST_DATABASE_URL)('policies under concurrency (PostgreSQL)', () => {
  let app: TestApp;
  let root: string;
  beforeAll(async () => {
    app = await startTestApp();
    root = await rootToken(app);
  });
  afterAll(() => app?.close());

  const patch = (path: string, body: unknown) =>
    app.fetch(path, { method: 'PATCH', headers: { ...bearer(root), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const sql = (query: string, params: unknown[] = []) => app.db.orm.em.fork().getConnection().execute(query, params);

  it('two concurrent upserts of one key leave one row', async () => {
    for (let round = 0; round < 20; round++) {
      const key = `race_${round}`;
      const responses = await Promise.all([
        patch('/api/v1/dsr/policy', [{ key, name: `Race ${round}`, drp_action: 'access' }]),
        patch('/api/v1/dsr/policy', [{ key, name: `Race ${round}`, drp_action: 'deletion' }]),
      ]);
      for (const response of responses) {
        expect(response.status).toBe(200);
        expect(((await response.json()) as { failed: unknown[] }).failed).toEqual([]);
      }
      expect(await sql('select count(*)::int as n from policy where key = ?', [key])).toEqual([{ n: 1 }]);
    }
  });

  it('a delete racing a rule upsert leaves no orphan rules or targets', async () => {
    for (let round = 0; round < 20; round++) {
      const key = `doomed_${round}`;
      await patch('/api/v1/dsr/policy', [{ key, name: `Doomed ${round}` }]);
      const rules = Array.from({ length: 5 }, (_, i) => ({ name: `Rule ${i}`, action_type: 'access', targets: [{ data_category: 'user' }] }));
      const [upsert, deletion] = await Promise.all([
        patch(`/api/v1/dsr/policy/${key}/rule`, rules),
        app.fetch(`/api/v1/dsr/policy/${key}`, { method: 'DELETE', headers: bearer(root) }),
      ]);
      expect([200, 404]).toContain(upsert.status);
      expect(deletion.status).toBe(204);
      expect(await sql('select count(*)::int as n from rule r where not exists (select 1 from policy p where p.id = r.policy_id)')).toEqual([{ n: 0 }]);
      expect(await sql('select count(*)::int as n from rule_target t where not exists (select 1 from rule r where r.id = t.rule_id)')).toEqual([{ n: 0 }]);
      expect(await sql('select count(*)::int as n from policy where key = ?', [key])).toEqual([{ n: 0 }]);
    }
  });
});
