import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DEFAULT_USER_DATA_CATEGORIES, MAX_BULK_ITEMS } from '../../src/policies/index.js';
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
        patch('/api/v1/dsr/policy', [{ key, name: `Race ${round}`, execution_timeframe: 1 }]),
        patch('/api/v1/dsr/policy', [{ key, name: `Race ${round}`, execution_timeframe: 2 }]),
      ]);
      for (const response of responses) {
        expect(response.status).toBe(200);
        expect(((await response.json()) as { failed: unknown[] }).failed).toEqual([]);
      }
      expect(await sql('select count(*)::int as n from policy where key = ?', [key])).toEqual([{ n: 1 }]);
    }
  });

  /**
   * Sends two bodies at once, `rounds` times: each round exactly one item wins, and the other fails with the
   * message the unique constraint stands for (never a 500, never the fallback), leaving one row.
   */
  async function race(
    rounds: number,
    round: (n: number) => Promise<{ requests: [string, unknown][]; message: string; rows: () => Promise<number> }>,
  ) {
    for (let n = 0; n < rounds; n++) {
      const { requests, message, rows } = await round(n);
      const bodies = await Promise.all(
        requests.map(async ([path, body]) => {
          const response = await patch(path, body);
          expect(response.status).toBe(200);
          return (await response.json()) as { succeeded: unknown[]; failed: { message: string }[] };
        }),
      );
      expect(bodies.flatMap((body) => body.succeeded)).toHaveLength(1);
      expect(bodies.flatMap((body) => body.failed.map((failure) => failure.message))).toEqual([message]);
      expect(await rows()).toBe(1);
    }
  }
  const count = async (query: string, params: unknown[]) => ((await sql(query, params)) as { n: number }[])[0]!.n;
  const keyMessage = (key: string, table: string) =>
    `Key ${key} already exists in ${table}. Keys will be snake-cased names if not provided. If you are seeing this ` +
    'error without providing a key, please provide a key or a different name.';

  it('two concurrent creates from one name (no key) leave one policy, and the other is told the key exists', async () => {
    await race(20, async (n) => ({
      requests: [
        ['/api/v1/dsr/policy', [{ name: `Same name ${n}` }]],
        ['/api/v1/dsr/policy', [{ name: `Same name ${n}` }]],
      ],
      message: keyMessage(`same_name_${n}`, 'Policy'),
      rows: () => count('select count(*)::int as n from policy where name = ?', [`Same name ${n}`]),
    }));
  });

  it('two policies claiming one DRP action at once: one holds it', async () => {
    // The seeded default holds `access`: free it.
    expect(
      (await patch('/api/v1/dsr/policy', [{ key: 'default_access_policy', name: 'Default Access Policy' }])).status,
    ).toBe(200);
    await race(20, async (n) => {
      await sql("update policy set drp_action = null where drp_action = 'access'");
      return {
        requests: [
          ['/api/v1/dsr/policy', [{ key: `drp_a_${n}`, name: `DRP A ${n}`, drp_action: 'access' }]],
          ['/api/v1/dsr/policy', [{ key: `drp_b_${n}`, name: `DRP B ${n}`, drp_action: 'access' }]],
        ],
        message: 'drp_action access is already set on another policy: a DRP action belongs to one policy at most.',
        rows: () => count("select count(*)::int as n from policy where drp_action = 'access'", []),
      };
    });
  });

  it('one rule key sent to two policies at once: one rule, on one policy', async () => {
    expect(
      (
        await patch('/api/v1/dsr/policy', [
          { key: 'rule_race_a', name: 'Rule race A' },
          { key: 'rule_race_b', name: 'Rule race B' },
        ])
      ).status,
    ).toBe(200);
    await race(20, async (n) => ({
      requests: [
        ['/api/v1/dsr/policy/rule_race_a/rule', [{ key: `raced_${n}`, name: `Raced A ${n}`, action_type: 'access' }]],
        ['/api/v1/dsr/policy/rule_race_b/rule', [{ key: `raced_${n}`, name: `Raced B ${n}`, action_type: 'access' }]],
      ],
      message: `Rule with identifier raced_${n} belongs to another policy.`,
      rows: () => count('select count(*)::int as n from rule where key = ?', [`raced_${n}`]),
    }));
    // And one rule name under two keys.
    await race(20, async (n) => ({
      requests: [
        ['/api/v1/dsr/policy/rule_race_a/rule', [{ key: `named_a_${n}`, name: `Named ${n}`, action_type: 'access' }]],
        ['/api/v1/dsr/policy/rule_race_b/rule', [{ key: `named_b_${n}`, name: `Named ${n}`, action_type: 'access' }]],
      ],
      message: `Name Named ${n} already exists in Rule.`,
      rows: () => count('select count(*)::int as n from rule where name = ?', [`Named ${n}`]),
    }));
  });

  it('one target key sent to two rules at once, and one category twice to a rule: one target', async () => {
    expect(
      (
        await patch('/api/v1/dsr/policy', [
          {
            key: 'target_race',
            name: 'Target race',
            rules: [
              { key: 'target_race_a', name: 'Target race A', action_type: 'access' },
              { key: 'target_race_b', name: 'Target race B', action_type: 'access' },
            ],
          },
        ])
      ).status,
    ).toBe(200);
    const targets = (rule: string) => `/api/v1/dsr/policy/target_race/rule/${rule}/target`;
    // A category per round: each rule names a category once.
    const aimed = DEFAULT_USER_DATA_CATEGORIES.slice(0, 20);
    await race(aimed.length, async (n) => ({
      requests: [
        [targets('target_race_a'), [{ key: `aimed_${n}`, name: `Aimed A ${n}`, data_category: aimed[n] }]],
        [targets('target_race_b'), [{ key: `aimed_${n}`, name: `Aimed B ${n}`, data_category: aimed[n] }]],
      ],
      message: `RuleTarget with identifier aimed_${n} belongs to another rule.`,
      rows: () => count('select count(*)::int as n from rule_target where key = ?', [`aimed_${n}`]),
    }));
    const ruleId = ((await sql("select id from rule where key = 'target_race_a'")) as { id: string }[])[0]!.id;
    const categories = [
      'user.contact.email',
      'user.contact.url',
      'user.name.first',
      'user.name.last',
      'user.device.cookie_id',
    ];
    await race(categories.length, async (n) => ({
      requests: [
        [targets('target_race_a'), [{ key: `twice_a_${n}`, name: `Twice A ${n}`, data_category: categories[n] }]],
        [targets('target_race_a'), [{ key: `twice_b_${n}`, name: `Twice B ${n}`, data_category: categories[n] }]],
      ],
      message: `DataCategory ${categories[n]} is already specified on Rule with ID ${ruleId}`,
      rows: () =>
        count('select count(*)::int as n from rule_target where rule_id = ? and data_category = ?', [
          ruleId,
          categories[n],
        ]),
    }));
  });

  // The write lock serialises Gatehouse's own writers; a row written from elsewhere (an operator's SQL) can still
  // land between an item's checks and its insert. The unique constraint refuses the insert, and the item runs again.
  it('an insert that trips a unique constraint set by another writer runs again, and its checks say why', async () => {
    expect((await patch('/api/v1/dsr/policy', [{ key: 'outside_a', name: 'Outside A' }])).status).toBe(200);
    expect((await patch('/api/v1/dsr/policy', [{ key: 'outside_b', name: 'Outside B' }])).status).toBe(200);
    const client = new pg.Client({ connectionString: t.app.config.database.url });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(
        "insert into rule (id, policy_id, key, name, action_type, created_at, updated_at) select gen_random_uuid(), id, 'from_outside', 'From outside', 'access', now(), now() from policy where key = 'outside_a'",
      );
      const upsert = patch('/api/v1/dsr/policy/outside_b/rule', [
        { key: 'from_outside', name: 'Inside', action_type: 'access' },
      ]);
      // The item has passed its checks and waits on the uncommitted row's index entry.
      await eventually(
        async () =>
          (
            (await sql("select count(*)::int as n from pg_locks where locktype = 'transactionid' and not granted")) as {
              n: number;
            }[]
          )[0]!.n > 0,
        10_000,
      );
      await client.query('commit');
      const response = await upsert;
      expect(await response.json()).toEqual({
        succeeded: [],
        failed: [
          {
            message: 'Rule with identifier from_outside belongs to another policy.',
            data: { key: 'from_outside', name: 'Inside', action_type: 'access' },
          },
        ],
      });
    } finally {
      await client.end();
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
