import type { PGliteInterface } from '@electric-sql/pglite';
import { AbstractSqlDriver, PostgreSqlPlatform, type Configuration, type Knex } from '@mikro-orm/postgresql';
import { PGliteConnection, PGliteKnexDialect, type QueryObject } from 'mikro-orm-pglite';
import { countStatements } from './sql-statements.js';

/**
 * mikro-orm-pglite's driver, except for how a raw text is sent. Upstream sends every raw text that contains a `;`
 * through PGlite's `exec` (the simple protocol, which allows several statements and answers a list of results).
 * MikroORM inlines parameters into raw SQL, so a `;` in any value (a client id in a URL) was enough; MikroORM then
 * read that list as a row of its own: a 200 for a client that does not exist, and 500s on writes. Only a text that
 * holds several statements goes to `exec` now; one statement, whatever its quoted contents, goes to `query`.
 */
export class PGliteStatementDriver extends AbstractSqlDriver<PGliteStatementConnection> {
  constructor(config: Configuration) {
    // As PGliteDriver, with our connection.
    super(config, new PostgreSqlPlatform(), PGliteStatementConnection, [
      'knex',
      '@electric-sql/pglite',
      '@harryplusplus/knex-pglite',
    ]);
  }
}

class PGliteStatementDialect extends PGliteKnexDialect {
  override async _query(connection: PGliteInterface, obj: QueryObject): Promise<QueryObject> {
    if (!obj.sql) throw new Error('The query is empty');
    const bindings = obj.bindings ?? [];
    // Only raw SQL can hold several statements (knex's builders make one each); `exec` cannot bind parameters, so a
    // script with bindings goes to `query`, where PostgreSQL refuses it loudly instead of running it half-bound.
    const script =
      obj.method === 'raw' && bindings.length === 0 && obj.sql.includes(';') && countStatements(obj.sql) > 1;
    obj.response = script ? await connection.exec(obj.sql) : await connection.query(obj.sql, bindings);
    return obj;
  }
}

class PGliteStatementConnection extends PGliteConnection {
  // PGliteConnection.createKnex builds its knex client from PGliteKnexDialect; hand it ours instead.
  protected override createKnexClient(type: string): Knex {
    return super.createKnexClient((type === (PGliteKnexDialect as unknown) ? PGliteStatementDialect : type) as string);
  }
}
