import { Migration } from '@mikro-orm/migrations';

/**
 * Client rows are now cached for authentication too (src/auth/token-states.ts): a rotated secret must notify like a
 * scope change, so the client trigger also fires on updates of "secret_hash".
 */
export class Migration20261128201500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop trigger "client_token_state" on "client";`);
    this.addSql(`create trigger "client_token_state" after update of "scopes", "secret_hash" or delete on "client" for each row execute function "gatehouse_notify_token_state"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "client_token_state" on "client";`);
    this.addSql(`create trigger "client_token_state" after update of "scopes" or delete on "client" for each row execute function "gatehouse_notify_token_state"();`);
  }

}
