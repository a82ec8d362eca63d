import { Migration } from '@mikro-orm/migrations';

/**
 * One of the default policies Fides seeds a fresh database with (`default_{kind}_policy`, its one rule and that
 * rule's one target): the two differ only in these values, so the statement is written once. Its text is what this
 * migration has always run, to the byte.
 */
const seedPolicy = ({ kind, drpAction, masking, dataCategory }: {
  kind: 'access' | 'erasure';
  drpAction: string;
  masking: string | null;
  dataCategory: string;
}) => {
  const title = kind[0]!.toUpperCase() + kind.slice(1);
  return `
      with ${kind}_policy as (
        insert into "policy" ("id", "key", "name", "drp_action", "execution_timeframe", "created_at", "updated_at")
        values (gen_random_uuid(), 'default_${kind}_policy', 'Default ${title} Policy', '${drpAction}', 45, now(), now())
        returning "id"
      ), ${kind}_rule as (
        insert into "rule" ("id", "policy_id", "key", "name", "action_type", ${masking === null ? '' : '"masking_strategy", '}"created_at", "updated_at")
        select gen_random_uuid(), "id", 'default_${kind}_policy_rule', 'Default ${title} Rule', '${kind}',${masking === null ? '' : `
          '${masking}'::jsonb,`} now(), now() from ${kind}_policy
        returning "id"
      )
      insert into "rule_target" ("id", "rule_id", "key", "name", "data_category")
      select gen_random_uuid(), "id", 'default_${kind}_target', 'Default ${title} Target', '${dataCategory}' from ${kind}_rule;`;
};

export class Migration20261128173435 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "policy" ("id" uuid not null, "key" varchar(200) not null, "name" varchar(200) not null, "drp_action" varchar(32) null, "execution_timeframe" int null, "created_by" varchar(64) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "policy_pkey" primary key ("id"));`);
    this.addSql(`alter table "policy" add constraint "policy_key_unique" unique ("key");`);
    this.addSql(`alter table "policy" add constraint "policy_name_unique" unique ("name");`);
    this.addSql(`create index "policy_created_at_index" on "policy" ("created_at");`);

    this.addSql(`create table "rule" ("id" uuid not null, "policy_id" uuid not null, "key" varchar(200) not null, "name" varchar(200) not null, "action_type" varchar(16) not null, "masking_strategy" jsonb null, "created_by" varchar(64) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "rule_pkey" primary key ("id"));`);
    this.addSql(`alter table "rule" add constraint "rule_policy_id_key_unique" unique ("policy_id", "key");`);
    this.addSql(`alter table "rule" add constraint "rule_policy_id_name_unique" unique ("policy_id", "name");`);

    this.addSql(`create table "rule_target" ("id" uuid not null, "rule_id" uuid not null, "key" varchar(200) not null, "name" varchar(200) null, "data_category" varchar(200) not null, constraint "rule_target_pkey" primary key ("id"));`);
    this.addSql(`alter table "rule_target" add constraint "rule_target_rule_id_key_unique" unique ("rule_id", "key");`);

    this.addSql(`alter table "rule" add constraint "rule_policy_id_foreign" foreign key ("policy_id") references "policy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "rule_target" add constraint "rule_target_rule_id_foreign" foreign key ("rule_id") references "rule" ("id") on update cascade on delete cascade;`);

    // The two policies Fides seeds a fresh database with.
    this.addSql(seedPolicy({ kind: 'access', drpAction: 'access', masking: null, dataCategory: 'user' }));
    this.addSql(seedPolicy({ kind: 'erasure', drpAction: 'deletion', masking: '{"strategy": "null_rewrite", "configuration": {}}', dataCategory: 'user.name' }));
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "rule" drop constraint "rule_policy_id_foreign";`);

    this.addSql(`alter table "rule_target" drop constraint "rule_target_rule_id_foreign";`);

    this.addSql(`drop table if exists "policy" cascade;`);

    this.addSql(`drop table if exists "rule" cascade;`);

    this.addSql(`drop table if exists "rule_target" cascade;`);
  }

}
