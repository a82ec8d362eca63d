import { Migration } from '@mikro-orm/migrations';

/**
 * Client roles. A token's effective scopes depend on its client's roles as on its scopes, so the client trigger
 * (Migration20261128201500) also announces updates of "roles": other processes then drop their cached row.
 */
export class Migration20261201042757 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "client" add column "roles" text[] not null default '{}';`);
    this.addSql(`drop trigger "client_token_state" on "client";`);
    this.addSql(`create trigger "client_token_state" after update of "scopes", "roles", "secret_hash" or delete on "client" for each row execute function "gatehouse_notify_token_state"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "client_token_state" on "client";`);
    this.addSql(`create trigger "client_token_state" after update of "scopes", "secret_hash" or delete on "client" for each row execute function "gatehouse_notify_token_state"();`);
    this.addSql(`alter table "client" drop column "roles";`);
  }

}
