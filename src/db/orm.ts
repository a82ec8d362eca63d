import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver, type SqlEntityManager } from '@mikro-orm/postgresql';
import type { PGliteConnectionConfig } from 'mikro-orm-pglite';
import type { DatabaseConfig } from '../config/index.js';
import { entities } from './entities/index.js';
import { acquireLockFile } from './lock-file.js';
import { migrationsList } from './migrations/index.js';
import { PGliteStatementDriver } from './pglite-driver.js';

export type Orm = MikroORM;

/** An open database: the ORM and what must be released with it. */
export interface Database {
  readonly orm: Orm;
  readonly kind: DatabaseConfig['kind'];
  /** Closes the ORM, the embedded instance and the lock file. Safe to call twice. */
  close(): Promise<void>;
}

/** PGlite's subfolder inside an embedded data folder; the folder also holds the lock and secrets files. */
const PGLITE_SUBFOLDER = 'pgdata';
const LOCK_FILE = 'gatehouse.lock';

// Return dates, timestamps and intervals as text, as `pg` does, so MikroORM parses them the same on both drivers.
const asText = (value: string) => value;
const PGLITE_PARSERS = { 1082: asText, 1114: asText, 1184: asText, 1186: asText };

/** The options shared by every driver: entities and migrations. */
function baseOrmOptions(): Options {
  return {
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    debug: false,
    // Our own logger decides what is logged; MikroORM's would print SQL.
    logger: () => {},
  };
}

/**
 * Opens the configured database. For an embedded folder it first takes the folder's lock, so a second
 * process refuses to start instead of losing writes.
 */
export async function createOrm(database: DatabaseConfig): Promise<Database> {
  if (database.kind === 'postgresql') {
    const orm = await MikroORM.init({
      ...baseOrmOptions(),
      driver: PostgreSqlDriver,
      clientUrl: database.url,
      // Fail fast while the server is away (503s, not hung requests); the pool reconnects once it is back.
      pool: { min: 0, max: 10, acquireTimeoutMillis: 5000 },
      driverOptions: {
        connection: { connectionTimeoutMillis: 3000 },
        // knex's own warnings go to the console; what matters reaches our log as the request's 503.
        log: { warn: () => {}, error: () => {}, deprecate: () => {}, debug: () => {} },
      },
    } as Options);
    return onceClosing(database.kind, orm, () => orm.close(true));
  }

  let release = () => {};
  let pglite: PGlite;
  if (database.kind === 'pglite-dir') {
    mkdirSync(database.dir, { recursive: true, mode: 0o700 });
    release = acquireLockFile(join(database.dir, LOCK_FILE), database.dir);
    try {
      pglite = new PGlite({ dataDir: join(database.dir, PGLITE_SUBFOLDER), parsers: PGLITE_PARSERS });
      await pglite.waitReady;
    } catch (error) {
      release();
      throw error;
    }
  } else {
    pglite = new PGlite({ parsers: PGLITE_PARSERS });
    await pglite.waitReady;
  }
  return openPglite(database.kind, pglite, release);
}

/** Opens an ORM on a PGlite instance, which is closed with it. */
async function openPglite(kind: DatabaseConfig['kind'], pglite: PGlite, release: () => void): Promise<Database> {
  const orm = await MikroORM.init({
    ...baseOrmOptions(),
    driver: PGliteStatementDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite: () => pglite } satisfies PGliteConnectionConfig },
  } as Options);
  return onceClosing(kind, orm, async () => {
    try {
      await orm.close(true);
      await pglite.close();
    } finally {
      release();
    }
  });
}

function onceClosing(kind: DatabaseConfig['kind'], orm: Orm, close: () => Promise<void>): Database {
  let closing: Promise<void> | undefined;
  return { orm, kind, close: () => (closing ??= close()) };
}

/**
 * Applies pending migrations. On PostgreSQL a transaction-scoped advisory lock serialises processes that start
 * at once; `then` runs inside the same lock (used to upgrade stored signing keys and create the first one exactly
 * once).
 */
export async function migrate(db: Database, then: () => Promise<void> = async () => {}): Promise<void> {
  const migrator = db.orm.getMigrator();
  if (db.kind !== 'postgresql') {
    await migrator.up();
    await then();
    return;
  }
  const knex = (db.orm.em as SqlEntityManager).getKnex();
  await knex.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_ID]);
    await migrator.up();
    await then();
  });
}

/** An arbitrary constant shared by every Gatehouse process ("gatehous" in ASCII). */
const MIGRATION_LOCK_ID = 0x67617465686f7573n.toString();
