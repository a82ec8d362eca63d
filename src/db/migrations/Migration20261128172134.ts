import { Migration } from '@mikro-orm/migrations';

export class Migration20261128172134 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "revoked_token" ("jti" varchar(64) not null, "client_id" varchar(64) not null, "expires_at" timestamptz not null, "revoked_at" timestamptz not null, constraint "revoked_token_pkey" primary key ("jti"));`);
    this.addSql(`create index "revoked_token_expires_at_index" on "revoked_token" ("expires_at");`);

    // Keys that exist already have been signing since they were created.
    this.addSql(`alter table "signing_key" add column "activates_at" timestamptz null;`);
    this.addSql(`update "signing_key" set "activates_at" = "created_at";`);
    this.addSql(`alter table "signing_key" alter column "activates_at" set not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "revoked_token" cascade;`);

    this.addSql(`alter table "signing_key" drop column "activates_at";`);
  }

}
