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

/** The lock file of an embedded data folder (which also records the URL of the server holding it); null otherwise. */
export function embeddedLockFile(database: DatabaseConfig): string | null {
  return database.kind === 'pglite-dir' ? join(database.dir, LOCK_FILE) : null;
}

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

function postgresOptions(url: string): Options {
  return {
    ...baseOrmOptions(),
    driver: PostgreSqlDriver,
    clientUrl: url,
    // Fail fast while the server is away (503s, not hung requests); the pool reconnects once it is back.
    pool: { min: 0, max: 10, acquireTimeoutMillis: 5000 },
    driverOptions: {
      connection: { connectionTimeoutMillis: 3000 },
      // knex's own warnings go to the console; what matters reaches our log as the request's 503.
      log: { warn: () => {}, error: () => {}, deprecate: () => {}, debug: () => {} },
    },
  } as Options;
}

function pgliteOptions(pglite: () => PGlite | Promise<PGlite>): Options {
  return {
    ...baseOrmOptions(),
    driver: PGliteStatementDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite } satisfies PGliteConnectionConfig },
  } as Options;
}

/** Opens an embedded instance; for a data folder, after taking its lock (released if opening fails). */
async function openPglite(
  database: Exclude<DatabaseConfig, { kind: 'postgresql' }>,
): Promise<{ pglite: PGlite; release: () => void }> {
  if (database.kind === 'pglite-memory') {
    const pglite = new PGlite({ parsers: PGLITE_PARSERS });
    await pglite.waitReady;
    return { pglite, release: () => {} };
  }
  mkdirSync(database.dir, { recursive: true, mode: 0o700 });
  const release = acquireLockFile(join(database.dir, LOCK_FILE), database.dir);
  try {
    const pglite = new PGlite({ dataDir: join(database.dir, PGLITE_SUBFOLDER), parsers: PGLITE_PARSERS });
    await pglite.waitReady;
    return { pglite, release };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * MikroORM's options for the configured database, as its own CLI reads them (mikro-orm.config.ts). An embedded
 * instance is opened, lock first, when the CLI first connects, and lives as long as that process.
 */
export function ormOptions(database: DatabaseConfig): Options {
  if (database.kind === 'postgresql') return postgresOptions(database.url);
  let opening: Promise<PGlite> | undefined;
  return pgliteOptions(() => (opening ??= openPglite(database).then(({ pglite }) => pglite)));
}

/**
 * Opens the configured database. For an embedded folder it first takes the folder's lock, so a second
 * process refuses to start instead of losing writes.
 */
export async function createOrm(database: DatabaseConfig): Promise<Database> {
  if (database.kind === 'postgresql') {
    const orm = await MikroORM.init(postgresOptions(database.url));
    return onceClosing(database.kind, orm, () => orm.close(true));
  }
  const { pglite, release } = await openPglite(database);
  let orm: Orm;
  try {
    orm = await MikroORM.init(pgliteOptions(() => pglite));
  } catch (error) {
    await pglite.close();
    release();
    throw error;
  }
  return onceClosing(database.kind, orm, async () => {
    try {
      await orm.close(true);
      await pglite.close();
    } finally {
      release();
    }
  });
}

/** How the PostgreSQL connection pool is used now. */
export interface PoolUsage {
  /** Connections lent out to a query or transaction. */
  readonly used: number;
  /** Connections open and idle. */
  readonly free: number;
  /** Requests waiting for a connection. */
  readonly pendingAcquires: number;
  /** The most connections the pool opens. */
  readonly max: number;
}

/** The part of knex's pool (tarn) that says how it is used. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  readonly max: number;
}

/**
 * The connection pool's usage, for the metrics: null on an embedded database (one in-process connection, no pool to
 * run dry) and once the pool is gone.
 */
export function poolUsage(db: Database): PoolUsage | null {
  if (db.kind !== 'postgresql') return null;
  const pool = (db.orm.em as SqlEntityManager).getKnex().client.pool as TarnPool | undefined;
  if (!pool) return null;
  return { used: pool.numUsed(), free: pool.numFree(), pendingAcquires: pool.numPendingAcquires(), max: pool.max };
}

function onceClosing(kind: DatabaseConfig['kind'], orm: Orm, close: () => Promise<void>): Database {
  let closing: Promise<void> | undefined;
  return { orm, kind, close: () => (closing ??= close()) };
}

/**
 * Applies pending migrations and answers their names. On PostgreSQL a transaction-scoped advisory lock serialises processes that start
 * at once; `then` runs inside the same lock (used to upgrade stored signing keys and create the first one exactly
 * once).
 */
export async function migrate(db: Database, then: () => Promise<void> = async () => {}): Promise<string[]> {
  const migrator = db.orm.getMigrator();
  const up = async () => {
    const applied = await migrator.up();
    await then();
    return applied.map((migration) => migration.name);
  };
  if (db.kind !== 'postgresql') return up();
  const knex = (db.orm.em as SqlEntityManager).getKnex();
  return knex.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_ID]);
    return up();
  });
}

/** An arbitrary constant shared by every Gatehouse process ("gatehous" in ASCII). */
const MIGRATION_LOCK_ID = 0x67617465686f7573n.toString();
