import { describe, expect, it } from 'vitest';
import { prepareSigningKeys } from '../../src/tokens/index.js';
import { createOrm, migrate } from '../../src/db/orm.js';
import { migrationsList } from '../../src/db/migrations/index.js';
import { freshDatabaseUrl, TEST_DATABASE_URL } from '../helpers/test-app.js';

const KEY = '0123456789abcdef0123456789abcdef';

describe('migrations', () => {
  it('build exactly the schema the entities describe', async () => {
    const database = await freshDatabaseUrl();
    const db = await createOrm(
      TEST_DATABASE_URL ? { kind: 'postgresql', url: database.url } : { kind: 'pglite-memory', url: 'pglite://memory' },
    );
    try {
      await migrate(db);
      expect(await db.orm.getMigrator().checkMigrationNeeded()).toBe(false);
      expect(await db.orm.getMigrator().getPendingMigrations()).toEqual([]);
    } finally {
      await db.close();
      await database.drop();
    }
  });

  it.skipIf(!TEST_DATABASE_URL)('are safe when several processes start at once on PostgreSQL', async () => {
    const database = await freshDatabaseUrl();
    const dbs = await Promise.all([1, 2, 3].map(() => createOrm({ kind: 'postgresql', url: database.url })));
    try {
      await Promise.all(dbs.map((db) => migrate(db, () => prepareSigningKeys(db.orm.em, KEY))));
      const connection = dbs[0]!.orm.em.getConnection();
      const applied = await connection.execute('select name from mikro_orm_migrations order by id');
      expect(applied.map((row: { name: string }) => row.name)).toEqual(migrationsList.map((m) => m.name));
      expect(await connection.execute('select count(*)::int as n from signing_key')).toEqual([{ n: 1 }]);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await database.drop();
    }
  });
});
