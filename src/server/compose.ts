// The one composition root: config → database → keys → process state → app. main.ts, the CLI, the scripts and the
// tests all build the system here, so tests exercise the production wiring, not a copy of it.
import { purgeAuditEvents } from '../audit/index.js';
import type { Config } from '../config/index.js';
import { NO_TELEMETRY, safeErrorFields, type Logger } from '../core/index.js';
import { createOrm, migrate, poolUsage, type Database } from '../db/orm.js';
import { createAuthSettings, openKeyStore, prepareSigningKeys, type KeyStore } from '../tokens/index.js';
import { createApp, type App } from './app.js';
import { createLimits, type Limits } from './limits.js';
import { createMetrics, type Metrics } from './metrics.js';
import { startProcessState, type ProcessState, type ProcessStateOptions } from './process-state.js';

/** How often running servers reload the signing keys; well under the CLI's default activation delay. */
const KEY_REFRESH_MS = 60_000;
/** How often old audit events are purged. */
const AUDIT_PURGE_MS = 3_600_000;

/**
 * Opens the configured database, applies pending migrations and prepares the signing keys (re-encrypting legacy
 * rows, creating the first key), all under the migration lock: what every entry point needs before anything else.
 */
export async function openDatabase(config: Config): Promise<Database & { readonly applied: readonly string[] }> {
  const db = await createOrm(config.database);
  try {
    const applied = await migrate(db, () => prepareSigningKeys(db.orm.em, config.security.appEncryptionKey));
    return { ...db, applied };
  } catch (error) {
    await db.close();
    throw error;
  }
}

export interface SystemOptions {
  readonly log: Logger;
  /** The token-state listener's settings; tests point it through a proxy they can pause. */
  readonly processState?: ProcessStateOptions;
}

/** The running system, without a listening socket (main.ts adds that). */
export interface System {
  readonly config: Config;
  readonly db: Database;
  readonly keys: KeyStore;
  readonly limits: Limits;
  readonly state: ProcessState;
  readonly app: App;
  readonly metrics: Metrics | null;
  /**
   * The first step of a shutdown: from now on `/health/ready` answers 503, so balancers stop sending requests here
   * while it still serves those that arrive. main.ts closes the listener after `webserver.shutdown_drain_seconds`.
   */
  drain(): void;
  /** Whether `drain` was called. */
  draining(): boolean;
  /** Stops background work and closes the listener, Redis and the database. Safe to call twice. */
  close(): Promise<void>;
}

export async function composeSystem(config: Config, options: SystemOptions): Promise<System> {
  const { log } = options;
  const db = await openDatabase(config);
  const opened: { close(): Promise<void> }[] = [db];
  const closeAll = async () => {
    for (const part of opened.reverse()) await part.close();
  };
  try {
    const keys = await openKeyStore(db.orm.em, config.security.appEncryptionKey);
    const settings = await createAuthSettings(config);
    const limits = await createLimits(config, { log });
    opened.push(limits);
    if (!(await limits.ready()))
      log.warn({}, 'Redis is not reachable yet: the throttles count in this process until it is');
    const metrics = config.metrics.enabled ? createMetrics() : null;
    const telemetry = metrics?.telemetry ?? NO_TELEMETRY;
    const reloadKeys = () =>
      keys.refresh().catch((error: unknown) => log.warn(safeErrorFields(error), 'reloading the signing keys failed'));
    const state = startProcessState(config.database, log, {
      ...options.processState,
      telemetry,
      signingKeysChanged: () => void reloadKeys(),
    });
    opened.push(state);
    metrics?.watch({
      argon2: state.secrets.argon2Load,
      tokenStateListenerLive: state.tokenStateListenerLive,
      throttleShared: limits.shared,
      pool: db.kind === 'postgresql' ? () => poolUsage(db) : null,
    });
    let draining = false;
    const app = createApp({
      orm: db.orm,
      keys,
      settings,
      log,
      ...limits,
      state,
      metrics,
      security: config.security,
      draining: () => draining,
    });
    // Keys rotated in by `npm run cli -- keys rotate` (possibly from another machine) arrive at once on PostgreSQL
    // through the listener; this catches anything it missed, well before the CLI's default activation delay.
    const keyRefresh = setInterval(() => void reloadKeys(), KEY_REFRESH_MS);
    keyRefresh.unref();
    // Audit events older than the retention go at start and every hour.
    const purge = () =>
      purgeAuditEvents({ em: db.orm.em.fork() }, config.audit.retentionDays).then(
        (count) => {
          if (count > 0) log.info({ count, retentionDays: config.audit.retentionDays }, 'purged old audit events');
        },
        (error: unknown) => log.warn(safeErrorFields(error), 'purging old audit events failed'),
      );
    await purge();
    const auditPurge = setInterval(() => void purge(), AUDIT_PURGE_MS);
    auditPurge.unref();
    let closing: Promise<void> | undefined;
    return {
      config,
      db,
      keys,
      limits,
      state,
      app,
      metrics,
      drain: () => {
        draining = true;
      },
      draining: () => draining,
      close: () =>
        (closing ??= (async () => {
          clearInterval(keyRefresh);
          clearInterval(auditPurge);
          await closeAll();
        })()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
