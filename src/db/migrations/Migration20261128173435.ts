import { Migration } from '@mikro-orm/migrations';

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
    this.addSql(`
      with access_policy as (
        insert into "policy" ("id", "key", "name", "drp_action", "execution_timeframe", "created_at", "updated_at")
        values (gen_random_uuid(), 'default_access_policy', 'Default Access Policy', 'access', 45, now(), now())
        returning "id"
      ), access_rule as (
        insert into "rule" ("id", "policy_id", "key", "name", "action_type", "created_at", "updated_at")
        select gen_random_uuid(), "id", 'default_access_policy_rule', 'Default Access Rule', 'access', now(), now() from access_policy
        returning "id"
      )
      insert into "rule_target" ("id", "rule_id", "key", "name", "data_category")
      select gen_random_uuid(), "id", 'default_access_target', 'Default Access Target', 'user' from access_rule;`);
    this.addSql(`
      with erasure_policy as (
        insert into "policy" ("id", "key", "name", "drp_action", "execution_timeframe", "created_at", "updated_at")
        values (gen_random_uuid(), 'default_erasure_policy', 'Default Erasure Policy', 'deletion', 45, now(), now())
        returning "id"
      ), erasure_rule as (
        insert into "rule" ("id", "policy_id", "key", "name", "action_type", "masking_strategy", "created_at", "updated_at")
        select gen_random_uuid(), "id", 'default_erasure_policy_rule', 'Default Erasure Rule', 'erasure',
          '{"strategy": "null_rewrite", "configuration": {}}'::jsonb, now(), now() from erasure_policy
        returning "id"
      )
      insert into "rule_target" ("id", "rule_id", "key", "name", "data_category")
      select gen_random_uuid(), "id", 'default_erasure_target', 'Default Erasure Target', 'user.name' from erasure_rule;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "rule" drop constraint "rule_policy_id_foreign";`);

    this.addSql(`alter table "rule_target" drop constraint "rule_target_rule_id_foreign";`);

    this.addSql(`drop table if exists "policy" cascade;`);

    this.addSql(`drop table if exists "rule" cascade;`);

    this.addSql(`drop table if exists "rule_target" cascade;`);
  }

}
