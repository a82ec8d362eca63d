import { Migration } from '@mikro-orm/migrations';

/** The targets of Fides' default access and erasure rules (fideslang 3.1.x), frozen as this migration seeds them. */
const DEFAULT_USER_DATA_CATEGORIES = [
  'user.account', 'user.behavior', 'user.biometric', 'user.childrens', 'user.contact', 'user.content',
  'user.criminal_history', 'user.demographic', 'user.device', 'user.government_id', 'user.health_and_medical',
  'user.job_title', 'user.location', 'user.name', 'user.privacy_preferences', 'user.sensor', 'user.social',
  'user.telemetry', 'user.unique_id', 'user.user_sensor', 'user.workplace',
];

/**
 * A rule's targets replaced by one per default category, named as Fides names them: `{rule_id}-{category}`, keyed
 * by that name snake-cased (`.` deleted, `-` becoming `_`), for the rule `rule` selects.
 */
const seedTargets = (rule: string) => `
  insert into "rule_target" ("id", "rule_id", "key", "name", "data_category", "created_at", "updated_at")
  select gen_random_uuid(), r."id",
    replace(replace(r."id"::text || '-' || c.category, '.', ''), '-', '_'),
    r."id"::text || '-' || c.category, c.category, now(), now()
  from (${rule}) r cross join unnest(array[${DEFAULT_USER_DATA_CATEGORIES.map((c) => `'${c}'`).join(', ')}]) as c(category);`;

interface Seeded {
  policy: { key: string; name: string; drpAction: string };
  rule: { key: string; name: string; actionType: string; masking: string };
  target: { key: string; name: string; dataCategory: string };
}

/**
 * The id of a seeded rule while it is exactly as Migration20261128173435 seeded it: its policy, the rule and its one
 * target untouched (created by nobody, the same values, no other rule on the policy, no other target on the rule).
 */
const untouchedSeed = ({ policy, rule, target }: Seeded) => `
  select r."id" from "rule" r join "policy" p on p."id" = r."policy_id"
  where p."key" = '${policy.key}' and p."name" = '${policy.name}' and p."drp_action" = '${policy.drpAction}'
    and p."execution_timeframe" = 45 and p."created_by" is null
    and r."key" = '${rule.key}' and r."name" = '${rule.name}' and r."action_type" = '${rule.actionType}'
    and r."masking_strategy" is not distinct from ${rule.masking} and r."created_by" is null
    and (select count(*) from "rule" o where o."policy_id" = p."id") = 1
    and (select count(*) from "rule_target" t where t."rule_id" = r."id") = 1
    and exists (select 1 from "rule_target" t where t."rule_id" = r."id" and t."key" = '${target.key}'
      and t."name" = '${target.name}' and t."data_category" = '${target.dataCategory}')`;

/**
 * Fides parity (issue 11): Fides' DRP wire values and one policy per DRP action; rule and target keys and names
 * unique across the database; a rule names a category once; targets get Fides' default names and their creation
 * time; and the defaults Fides seeds. Existing data is kept, except where a constraint cannot hold otherwise, each
 * resolved the same way on every database (README, "Upgrading an existing database"):
 * - a DRP action held by several policies stays with the oldest (created_at, then id); the others' is cleared;
 * - a rule key or name, or a target key or name, shared by several rows stays with the oldest (a target: its rule's
 *   age, then its key); the others get `_<their id in hex>` (keys) or ` (<their id in hex>)` (names) appended;
 * - a target without a name gets Fides' default name `{rule_id}-{data_category}`;
 * - a rule naming one category in several targets keeps the one with the smallest key (the others say nothing more);
 * - the two seeded policies, while exactly as the first seed left them, get Fides' rules: 21 default categories as
 *   targets, and hmac masking for erasure; Fides' consent policy is added unless its key or name is taken.
 */
export class Migration20261201042844 extends Migration {

  override async up(): Promise<void> {
    // DRP actions as Fides sends them; none but access and deletion could be saved before, but any other is renamed.
    this.addSql(`update "policy" set "drp_action" = case "drp_action" when 'sale_opt_out' then 'sale:opt_out' when 'sale_opt_in' then 'sale:opt_in' when 'access_categories' then 'access:categories' when 'access_specific' then 'access:specific' end, "updated_at" = now() where "drp_action" in ('sale_opt_out', 'sale_opt_in', 'access_categories', 'access_specific');`);
    this.addSql(`update "policy" p set "drp_action" = null, "updated_at" = now() from (select "id", row_number() over (partition by "drp_action" order by "created_at", "id") as n from "policy" where "drp_action" is not null) d where d."id" = p."id" and d.n > 1;`);
    this.addSql(`alter table "policy" add constraint "policy_drp_action_unique" unique ("drp_action");`);

    this.addSql(`alter table "rule" drop constraint "rule_policy_id_key_unique";`);
    this.addSql(`alter table "rule" drop constraint "rule_policy_id_name_unique";`);

    this.addSql(`update "rule" r set "key" = left(r."key", 167) || '_' || replace(r."id"::text, '-', ''), "updated_at" = now() from (select "id", row_number() over (partition by "key" order by "created_at", "id") as n from "rule") d where d."id" = r."id" and d.n > 1;`);
    this.addSql(`update "rule" r set "name" = left(r."name", 165) || ' (' || replace(r."id"::text, '-', '') || ')', "updated_at" = now() from (select "id", row_number() over (partition by "name" order by "created_at", "id") as n from "rule") d where d."id" = r."id" and d.n > 1;`);
    this.addSql(`alter table "rule" add constraint "rule_key_unique" unique ("key");`);
    this.addSql(`alter table "rule" add constraint "rule_name_unique" unique ("name");`);
    this.addSql(`create index "rule_policy_id_index" on "rule" ("policy_id");`);

    this.addSql(`alter table "rule_target" drop constraint "rule_target_rule_id_key_unique";`);

    // Existing targets were made with their rule.
    this.addSql(`alter table "rule_target" add column "created_by" varchar(64) null, add column "created_at" timestamptz null, add column "updated_at" timestamptz null;`);
    this.addSql(`update "rule_target" t set "created_at" = r."created_at", "updated_at" = r."created_at" from "rule" r where r."id" = t."rule_id";`);
    this.addSql(`alter table "rule_target" alter column "created_at" set not null, alter column "updated_at" set not null;`);

    this.addSql(`delete from "rule_target" t using (select "id", row_number() over (partition by "rule_id", "data_category" order by "key", "id") as n from "rule_target") d where d."id" = t."id" and d.n > 1;`);
    this.addSql(`update "rule_target" set "name" = left("rule_id"::text || '-' || "data_category", 200) where "name" is null;`);
    this.addSql(`update "rule_target" t set "key" = left(t."key", 167) || '_' || replace(t."id"::text, '-', ''), "updated_at" = now() from (select t."id", row_number() over (partition by t."key" order by r."created_at", r."id", t."key", t."id") as n from "rule_target" t join "rule" r on r."id" = t."rule_id") d where d."id" = t."id" and d.n > 1;`);
    this.addSql(`update "rule_target" t set "name" = left(t."name", 165) || ' (' || replace(t."id"::text, '-', '') || ')', "updated_at" = now() from (select t."id", row_number() over (partition by t."name" order by r."created_at", r."id", t."key", t."id") as n from "rule_target" t join "rule" r on r."id" = t."rule_id") d where d."id" = t."id" and d.n > 1;`);

    this.addSql(`alter table "rule_target" alter column "name" type varchar(200) using ("name"::varchar(200));`);
    this.addSql(`alter table "rule_target" alter column "name" set not null;`);
    this.addSql(`alter table "rule_target" add constraint "rule_target_key_unique" unique ("key");`);
    this.addSql(`alter table "rule_target" add constraint "rule_target_name_unique" unique ("name");`);
    this.addSql(`alter table "rule_target" add constraint "rule_target_rule_id_data_category_unique" unique ("rule_id", "data_category");`);

    // Fides' default policies. Seeded rows a user has changed in any way are theirs, and left alone.
    const access = untouchedSeed({
      policy: { key: 'default_access_policy', name: 'Default Access Policy', drpAction: 'access' },
      rule: { key: 'default_access_policy_rule', name: 'Default Access Rule', actionType: 'access', masking: 'null' },
      target: { key: 'default_access_target', name: 'Default Access Target', dataCategory: 'user' },
    });
    const erasure = untouchedSeed({
      policy: { key: 'default_erasure_policy', name: 'Default Erasure Policy', drpAction: 'deletion' },
      rule: {
        key: 'default_erasure_policy_rule',
        name: 'Default Erasure Rule',
        actionType: 'erasure',
        masking: `'{"strategy": "null_rewrite", "configuration": {}}'::jsonb`,
      },
      target: { key: 'default_erasure_target', name: 'Default Erasure Target', dataCategory: 'user.name' },
    });
    this.addSql(`create temporary table "seed_rule" on commit drop as ${access} union all ${erasure};`);
    this.addSql(`delete from "rule_target" where "rule_id" in (select "id" from "seed_rule");`);
    this.addSql(seedTargets(`select "id" from "seed_rule"`));
    this.addSql(`update "rule" set "masking_strategy" = '{"strategy": "hmac", "configuration": {}}'::jsonb, "updated_at" = now() where "id" in (select "id" from "seed_rule") and "action_type" = 'erasure';`);
    this.addSql(`
      with consent_policy as (
        insert into "policy" ("id", "key", "name", "execution_timeframe", "created_at", "updated_at")
        select gen_random_uuid(), 'default_consent_policy', 'Default Consent Policy', 45, now(), now()
        where not exists (select 1 from "policy" where "key" = 'default_consent_policy' or "name" = 'Default Consent Policy')
        returning "id"
      )
      insert into "rule" ("id", "policy_id", "key", "name", "action_type", "created_at", "updated_at")
      select gen_random_uuid(), "id", 'default_consent_rule', 'Default Consent Rule', 'consent', now(), now() from consent_policy
      where not exists (select 1 from "rule" where "key" = 'default_consent_rule' or "name" = 'Default Consent Rule');`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "policy" drop constraint "policy_drp_action_unique";`);
    this.addSql(`update "policy" set "drp_action" = replace("drp_action", ':', '_') where "drp_action" like '%:%';`);

    this.addSql(`alter table "rule" drop constraint "rule_key_unique";`);
    this.addSql(`alter table "rule" drop constraint "rule_name_unique";`);
    this.addSql(`drop index "rule_policy_id_index";`);

    this.addSql(`alter table "rule" add constraint "rule_policy_id_key_unique" unique ("policy_id", "key");`);
    this.addSql(`alter table "rule" add constraint "rule_policy_id_name_unique" unique ("policy_id", "name");`);

    this.addSql(`alter table "rule_target" drop constraint "rule_target_key_unique";`);
    this.addSql(`alter table "rule_target" drop constraint "rule_target_name_unique";`);
    this.addSql(`alter table "rule_target" drop constraint "rule_target_rule_id_data_category_unique";`);
    this.addSql(`alter table "rule_target" drop column "created_by", drop column "created_at", drop column "updated_at";`);

    this.addSql(`alter table "rule_target" alter column "name" drop not null;`);
    this.addSql(`alter table "rule_target" add constraint "rule_target_rule_id_key_unique" unique ("rule_id", "key");`);
  }

}
