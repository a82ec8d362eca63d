import { Migration } from '@mikro-orm/migrations';

/**
 * Signing keys notify like token state: a key rotated in by one process (or by `npm run cli -- keys rotate`) is
 * reloaded by every running server as soon as the rotation commits, so each publishes it in its JWKS long before
 * it signs, instead of at its next minute's refresh. Once per statement: the payload says nothing but "reload".
 */
export class Migration20261201060000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`
      create or replace function "gatehouse_notify_signing_keys"() returns trigger language plpgsql as $$
      begin
        perform pg_notify('gatehouse_signing_keys', '');
        return null;
      end
      $$;`);
    this.addSql(`create trigger "signing_key_changed" after insert or update or delete or truncate on "signing_key" for each statement execute function "gatehouse_notify_signing_keys"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "signing_key_changed" on "signing_key";`);
    this.addSql(`drop function if exists "gatehouse_notify_signing_keys"();`);
  }

}
