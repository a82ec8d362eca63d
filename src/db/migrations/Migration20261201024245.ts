import { Migration } from '@mikro-orm/migrations';

/** The token-state notification function (first created in Migration20261128193000), with `branches` for more tables. */
const notifyFunction = (branches: string) => `
      create or replace function "gatehouse_notify_token_state"() returns trigger language plpgsql as $$
      begin
        if tg_level = 'STATEMENT' then
          perform pg_notify('gatehouse_token_state', 'all');
        elsif tg_table_name = 'client' then
          perform pg_notify('gatehouse_token_state', 'client:' || old."id");${branches}
        else
          perform pg_notify('gatehouse_token_state', 'jti:' || new."jti");
        end if;
        return null;
      end
      $$;`;

/**
 * Per-client revocation of every token issued so far (the containment step after a leak). A mark changes what a
 * token's validity depends on, so it notifies like a client change: the token-state function learns the new table.
 */
export class Migration20261201024245 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "client_revocation" ("client_id" text not null, "revoked_at" timestamptz not null, constraint "client_revocation_pkey" primary key ("client_id"));`);
    this.addSql(notifyFunction(`
        elsif tg_table_name = 'client_revocation' then
          perform pg_notify('gatehouse_token_state', 'client:' || coalesce(new."client_id", old."client_id"));`));
    this.addSql(`create trigger "client_revocation_token_state" after insert or update or delete on "client_revocation" for each row execute function "gatehouse_notify_token_state"();`);
    this.addSql(`create trigger "client_revocation_token_state_truncate" after truncate on "client_revocation" for each statement execute function "gatehouse_notify_token_state"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "client_revocation" cascade;`);
    this.addSql(notifyFunction(''));
  }

}
