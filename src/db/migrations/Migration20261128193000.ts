import { Migration } from '@mikro-orm/migrations';

/**
 * Triggers that announce every change a token's validity depends on, so each server process can keep token state
 * in memory and drop it at once (see src/auth/token-states.ts). pg_notify inside the changing transaction is
 * delivered at its commit, and not at all on rollback. They fire for any writer, including an operator's SQL.
 */
export class Migration20261128193000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`
      create function "gatehouse_notify_token_state"() returns trigger language plpgsql as $$
      begin
        if tg_level = 'STATEMENT' then
          perform pg_notify('gatehouse_token_state', 'all');
        elsif tg_table_name = 'client' then
          perform pg_notify('gatehouse_token_state', 'client:' || old."id");
        else
          perform pg_notify('gatehouse_token_state', 'jti:' || new."jti");
        end if;
        return null;
      end
      $$;`);
    this.addSql(`create trigger "client_token_state" after update of "scopes" or delete on "client" for each row execute function "gatehouse_notify_token_state"();`);
    this.addSql(`create trigger "client_token_state_truncate" after truncate on "client" for each statement execute function "gatehouse_notify_token_state"();`);
    this.addSql(`create trigger "revoked_token_token_state" after insert on "revoked_token" for each row execute function "gatehouse_notify_token_state"();`);
    this.addSql(`create trigger "revoked_token_token_state_truncate" after truncate on "revoked_token" for each statement execute function "gatehouse_notify_token_state"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "revoked_token_token_state_truncate" on "revoked_token";`);
    this.addSql(`drop trigger if exists "revoked_token_token_state" on "revoked_token";`);
    this.addSql(`drop trigger if exists "client_token_state_truncate" on "client";`);
    this.addSql(`drop trigger if exists "client_token_state" on "client";`);
    this.addSql(`drop function if exists "gatehouse_notify_token_state"();`);
  }

}
