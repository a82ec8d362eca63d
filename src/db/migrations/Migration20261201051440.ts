import { Migration } from '@mikro-orm/migrations';

export class Migration20261201051440 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_event" ("id" uuid not null, "at" timestamptz not null, "action" varchar(64) not null, "actor_client_id" varchar(255) null, "client_id" varchar(255) null, "ip" varchar(64) null, "request_id" varchar(64) null, "details" jsonb not null, constraint "audit_event_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_event_at_index" on "audit_event" ("at");`);
    this.addSql(`create index "audit_event_action_index" on "audit_event" ("action");`);
    this.addSql(`create index "audit_event_client_id_index" on "audit_event" ("client_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_event" cascade;`);
  }

}
