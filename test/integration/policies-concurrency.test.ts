import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MAX_BULK_ITEMS } from '../../src/policies/index.js';
import { bearer } from '../helpers/oauth.js';
import { TEST_DATABASE_URL } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';
import { eventually } from '../helpers/wait.js';

type Query = (text: string, params?: unknown[]) => Promise<unknown[]>;

/**
 * Rules with no policy, and targets with no path to a policy (their rule gone, or orphaned itself). Outer joins
 * from the child side, so a row whose parent is missing is counted rather than joined away.
 */
async function orphans(query: Query): Promise<{ rules: number; targets: number }> {
  const [rules] = (await query(
    'select count(*)::int as n from rule r left join policy p on p.id = r.policy_id where p.id is null',
  )) as {
    n: number;
  }[];
  const [targets] = (await query(
    'select count(*)::int as n from rule_target t left join rule r on r.id = t.rule_id left join policy p on p.id = r.policy_id where p.id is null',
  )) as { n: number }[];
  return { rules: rules!.n, targets: targets!.n };
}

// Races need real concurrent connections: PGlite runs every transaction serially, so these run on PostgreSQL only.
describe.skipIf(!TEST_DATABASE_URL)('policies under concurrency (PostgreSQL)', () => {
  const t = useTestApp();

  const patch = (path: string, body: unknown) =>
    t.app.fetch(path, {
      method: 'PATCH',
      headers: { ...bearer(t.root), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const sql = (query: string, params: unknown[] = []) => t.app.db.orm.em.fork().getConnection().execute(query, params);

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
    const rules = Array.from({ length: MAX_BULK_ITEMS }, (_, i) => ({
      name: `Rule ${i}`,
      action_type: 'access',
      targets: [{ data_category: 'user' }],
    }));
    const rulesOf = async (key: string) =>
      (
        (await sql('select count(*)::int as n from rule r join policy p on p.id = r.policy_id where p.key = ?', [
          key,
        ])) as { n: number }[]
      )[0]!.n;
    let interleaved = 0;
    for (let round = 0; round < 10; round++) {
      const key = `doomed_${round}`;
      expect((await patch('/api/v1/dsr/policy', [{ key, name: `Doomed ${round}` }])).status).toBe(200);
      const upsert = patch(`/api/v1/dsr/policy/${key}/rule`, rules);
      // Started together, the delete wins outright: no rule is ever written and nothing could be orphaned. So it
      // goes in once the first rules are committed, while the rest are still being written.
      await eventually(async () => (await rulesOf(key)) > 0, 10_000, 1);
      const deletion = await t.app.fetch(`/api/v1/dsr/policy/${key}`, { method: 'DELETE', headers: bearer(t.root) });
      expect(deletion.status).toBe(204);
      const response = await upsert;
      expect(response.status).toBe(200);
      const body = (await response.json()) as { succeeded: unknown[]; failed: unknown[] };
      const written = body.succeeded.length;
      expect(written).toBeGreaterThan(0);
      // Rules go in one by one: every one after the delete is refused, none is written under the deleted policy.
      expect(body.failed).toEqual(
        rules.slice(written).map((data) => ({ message: `No Policy found for key ${key}.`, data })),
      );
      if (body.failed.length > 0) interleaved++;
      expect(await orphans(sql)).toEqual({ rules: 0, targets: 0 });
      expect(await sql('select count(*)::int as n from policy where key = ?', [key])).toEqual([{ n: 0 }]);
    }
    // Some rounds at least saw the delete land mid-upsert, or the test has not exercised the race it is named for.
    expect(interleaved).toBeGreaterThan(0);
  });

  // The foreign keys cascade, so the race above never leaves an orphan while they hold: this shows the check
  // would report one if a delete ever went around them.
  it('the orphan check sees rules and targets whose policy was deleted without the cascade', async () => {
    const key = 'orphan_probe';
    expect((await patch('/api/v1/dsr/policy', [{ key, name: 'Orphan probe' }])).status).toBe(200);
    const rules = [
      {
        name: 'Only rule',
        action_type: 'access',
        targets: [{ data_category: 'user' }, { data_category: 'user.contact' }],
      },
    ];
    expect((await patch(`/api/v1/dsr/policy/${key}/rule`, rules)).status).toBe(200);
    expect(await orphans(sql)).toEqual({ rules: 0, targets: 0 });

    const client = new pg.Client({ connectionString: t.app.config.database.url });
    await client.connect();
    try {
      const query: Query = async (text, params) => (await client.query(text, params)).rows;
      await client.query('begin');
      // Replica mode skips the triggers that enforce (and cascade) foreign keys: the delete leaves the children.
      await client.query('set local session_replication_role = replica');
      expect((await client.query('delete from policy where key = $1', [key])).rowCount).toBe(1);
      expect(await orphans(query)).toEqual({ rules: 1, targets: 2 });
      await client.query('rollback');

      // A target whose rule is gone, while the rule's policy is not, is an orphan too.
      await client.query('begin');
      await client.query('set local session_replication_role = replica');
      expect(
        (await client.query('delete from rule r using policy p where p.id = r.policy_id and p.key = $1', [key]))
          .rowCount,
      ).toBe(1);
      expect(await orphans(query)).toEqual({ rules: 0, targets: 2 });
      await client.query('rollback');
    } finally {
      await client.end();
    }
    // Rolled back: nothing of the probe is left behind for the other tests' counts.
    expect(await orphans(sql)).toEqual({ rules: 0, targets: 0 });
    expect(await sql('select count(*)::int as n from policy where key = ?', [key])).toEqual([{ n: 1 }]);
  });
});
