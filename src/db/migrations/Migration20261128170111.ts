import { Migration } from '@mikro-orm/migrations';

export class Migration20261128170111 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "client" ("id" varchar(64) not null, "secret_hash" text not null, "scopes" text[] not null, "name" text null, "description" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "client_pkey" primary key ("id"));`);
    this.addSql(`create index "client_created_at_index" on "client" ("created_at");`);

    this.addSql(`create table "signing_key" ("kid" varchar(64) not null, "alg" varchar(16) not null, "public_jwk" jsonb not null, "private_jwk_encrypted" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "signing_key_pkey" primary key ("kid"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "client" cascade;`);

    this.addSql(`drop table if exists "signing_key" cascade;`);
  }

}
