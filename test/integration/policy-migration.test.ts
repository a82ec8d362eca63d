import { describe, expect, it } from 'vitest';
import { createOrm, type Database } from '../../src/db/orm.js';
import { freshDatabaseUrl, TEST_DATABASE_URL } from '../helpers/test-app.js';

// Migration20261201042844 brings a database made before issue 11 to Fides' rules: wire DRP values, one policy per
// DRP action, rule and target keys and names unique across the database, Fides' seeded defaults. Here on a database
// holding what the earlier schema allowed and the new one does not.
const BEFORE = 'Migration20261201024245';

async function withDatabase(
  test: (db: Database, sql: (q: string) => Promise<Record<string, unknown>[]>) => Promise<void>,
) {
  const database = await freshDatabaseUrl();
  const db = await createOrm(
    TEST_DATABASE_URL ? { kind: 'postgresql', url: database.url } : { kind: 'pglite-memory', url: 'pglite://memory' },
  );
  try {
    await test(db, (query) => db.orm.em.fork().getConnection().execute(query));
  } finally {
    await db.close();
    await database.drop();
  }
}

const policy = (key: string, drp: string | null, age: number) =>
  `insert into policy (id, key, name, drp_action, created_at, updated_at) values (gen_random_uuid(), '${key}', 'Policy ${key}', ${drp ? `'${drp}'` : 'null'}, now() + interval '${age} seconds', now())`;
const rule = (policyKey: string, key: string, name: string, age: number) =>
  `insert into rule (id, policy_id, key, name, action_type, created_at, updated_at) select gen_random_uuid(), id, '${key}', '${name}', 'access', now() + interval '${age} seconds', now() from policy where key = '${policyKey}'`;
const target = (policyKey: string, ruleKey: string, key: string, name: string | null, category: string) =>
  `insert into rule_target (id, rule_id, key, name, data_category) select gen_random_uuid(), r.id, '${key}', ${name ? `'${name}'` : 'null'}, '${category}' from rule r join policy p on p.id = r.policy_id where p.key = '${policyKey}' and r.key = '${ruleKey}'`;
/** The same, once targets have their creation time. */
const datedTarget = (policyKey: string, ruleKey: string, key: string, name: string, category: string) =>
  `insert into rule_target (id, rule_id, key, name, data_category, created_at, updated_at) select gen_random_uuid(), r.id, '${key}', '${name}', '${category}', now(), now() from rule r join policy p on p.id = r.policy_id where p.key = '${policyKey}' and r.key = '${ruleKey}'`;

describe('the Fides-parity migration on an existing database', () => {
  it('resolves what the new constraints refuse deterministically, keeps the rest, and seeds Fides’ defaults', async () => {
    await withDatabase(async (db, sql) => {
      const migrator = db.orm.getMigrator();
      await migrator.up({ to: BEFORE });
      for (const statement of [
        policy('first', 'access', 10),
        policy('second', 'deletion', 20),
        policy('legacy', 'sale_opt_out', 30),
        rule('first', 'shared', 'Shared', 10),
        rule('second', 'shared', 'Shared', 20),
        target('first', 'shared', 'user', null, 'user'),
        target('first', 'shared', 'user_again', 'Again', 'user'),
        target('first', 'shared', 'named', 'Named', 'user.name'),
        target('second', 'shared', 'user', null, 'user'),
        target('second', 'shared', 'named', 'Named', 'user.name'),
        // The seeded erasure rule as a user changed it: left alone.
        `update rule set masking_strategy = '{"strategy": "hash", "configuration": {}}' where key = 'default_erasure_policy_rule'`,
      ])
        await sql(statement);
      const ids = Object.fromEntries(
        (await sql("select p.key, r.id from rule r join policy p on p.id = r.policy_id where r.key = 'shared'")).map(
          (row) => [row.key, row.id as string],
        ),
      );
      const hex = (id: string) => id.replace(/-/g, '');

      await migrator.up();

      // The oldest policy keeps a DRP action (the seeded defaults are older than any user policy); wire values.
      expect(await sql("select key, drp_action from policy where key not like 'default_%' order by key")).toEqual([
        { key: 'first', drp_action: null },
        { key: 'legacy', drp_action: 'sale:opt_out' },
        { key: 'second', drp_action: null },
      ]);
      // The older rule keeps its key and name; the younger gets its id appended.
      expect(
        await sql(
          "select p.key as policy, r.key, r.name from rule r join policy p on p.id = r.policy_id where p.key in ('first', 'second') order by p.key",
        ),
      ).toEqual([
        { policy: 'first', key: 'shared', name: 'Shared' },
        { policy: 'second', key: `shared_${hex(ids.second!)}`, name: `Shared (${hex(ids.second!)})` },
      ]);
      // Names filled in as Fides names targets; a category named twice on a rule keeps the smaller key; shared keys
      // and names stay with the older rule's target.
      const targets = await sql(
        "select p.key as policy, t.key, t.name, t.data_category, t.created_at is not null as dated from rule_target t join rule r on r.id = t.rule_id join policy p on p.id = r.policy_id where p.key in ('first', 'second') order by p.key, t.data_category",
      );
      const [second] = await sql("select id from rule_target where data_category = 'user' and key like 'user_%'");
      const [secondNamed] = await sql(
        "select id from rule_target where data_category = 'user.name' and key like 'named_%'",
      );
      expect(targets).toEqual([
        { policy: 'first', key: 'user', name: `${ids.first}-user`, data_category: 'user', dated: true },
        { policy: 'first', key: 'named', name: 'Named', data_category: 'user.name', dated: true },
        {
          policy: 'second',
          key: `user_${hex(second!.id as string)}`,
          name: `${ids.second}-user`,
          data_category: 'user',
          dated: true,
        },
        {
          policy: 'second',
          key: `named_${hex(secondNamed!.id as string)}`,
          name: `Named (${hex(secondNamed!.id as string)})`,
          data_category: 'user.name',
          dated: true,
        },
      ]);
      // The untouched seeded access rule gets Fides' 21 targets; the changed erasure rule is as the user left it.
      expect(
        await sql(
          "select r.key, r.masking_strategy, count(t.id)::int as targets, min(t.key) as a_key from rule r left join rule_target t on t.rule_id = r.id where r.key like 'default_%' group by r.key, r.masking_strategy order by r.key",
        ),
      ).toEqual([
        {
          key: 'default_access_policy_rule',
          masking_strategy: null,
          targets: 21,
          a_key: expect.stringMatching(/_useraccount$/),
        },
        { key: 'default_consent_rule', masking_strategy: null, targets: 0, a_key: null },
        {
          key: 'default_erasure_policy_rule',
          masking_strategy: { strategy: 'hash', configuration: {} },
          targets: 1,
          a_key: 'default_erasure_target',
        },
      ]);
      // The constraints hold from now on.
      await expect(sql(rule('legacy', 'shared', 'Another', 0))).rejects.toThrow(/rule_key_unique/);
      await expect(sql("update policy set drp_action = 'sale:opt_out' where key = 'first'")).rejects.toThrow(
        /policy_drp_action_unique/,
      );
      await expect(sql(datedTarget('first', 'shared', 'fresh', 'Named', 'user.contact'))).rejects.toThrow(
        /rule_target_name_unique/,
      );
      await expect(sql(datedTarget('first', 'shared', 'named', 'Fresh', 'user.contact'))).rejects.toThrow(
        /rule_target_key_unique/,
      );
      await expect(sql(datedTarget('first', 'shared', 'fresh', 'Fresh', 'user'))).rejects.toThrow(
        /rule_target_rule_id_data_category_unique/,
      );
    });
  });
});
