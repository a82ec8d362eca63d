// The composition root: config → database → keys → app → listen. The only module that owns the process.
import { pino } from 'pino';
import { createAuthSettings, safeErrorFields } from '../auth/index.js';
import { KeyDecryptionError, openKeyStore, prepareSigningKeys } from '../auth/tokens/index.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { DataFolderLockedError } from '../db/lock-file.js';
import { createOrm, migrate, type Database } from '../db/orm.js';
import { createApp } from './app.js';
import { startAuthCaches, type RunningAuthCaches } from './auth-caches.js';
import { createHttpServer } from './http-server.js';
import { createLimits } from './limits.js';

const logger = (level: string) => pino({ level, base: { service: 'gatehouse' } });
/** Until the configuration names a level. */
let log = logger('info');

/** How often running servers reload the signing keys; well under the CLI's default activation delay. */
const KEY_REFRESH_MS = 60_000;

/** Start-up failures users can act on: one line, no stack. */
const EXPECTED = [ConfigError, DataFolderLockedError, KeyDecryptionError];

async function main(): Promise<void> {
  const warnings: string[] = [];
  const config = loadConfig({ env: process.env, cwd: process.cwd(), warn: (message) => warnings.push(message) });
  log = logger(config.logging.level);
  for (const warning of warnings) log.warn(warning);
  if (config.configPath) log.info({ path: config.configPath }, 'configuration file read');
  if (config.security.generated) {
    log.warn(
      { path: config.security.generated.path, keys: config.security.generated.keys },
      'using generated values for keys that are not configured; they are kept in this file (mode 0600)',
    );
  }

  const db: Database = await createOrm(config.database);
  let authCaches: RunningAuthCaches | undefined;
  try {
    await migrate(db, () => prepareSigningKeys(db.orm.em, config.security.appEncryptionKey));
    const keys = await openKeyStore(db.orm.em, config.security.appEncryptionKey);
    const settings = await createAuthSettings(config);
    const limits = createLimits(config);
    if (!(await limits.ready())) log.warn({}, 'Redis is not reachable yet: the throttles count in this process until it is');
    const running = startAuthCaches(config.database, log);
    authCaches = running;
    const app = createApp({ orm: db.orm, keys, settings, log, ...limits, caches: running.caches, security: config.security });
    // Pick up keys rotated in by `npm run cli -- keys rotate` (possibly from another machine) well before they sign.
    const keyRefresh = setInterval(() => {
      keys.refresh().catch((error: unknown) => log.warn(safeErrorFields(error), 'reloading the signing keys failed'));
    }, KEY_REFRESH_MS);
    keyRefresh.unref();
    const server = createHttpServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.webserver.port, config.webserver.host, resolve);
    });
    const address = server.address();
    log.info(
      { database: config.database.kind, port: typeof address === 'object' && address ? address.port : config.webserver.port },
      `listening on http://${config.webserver.host}:${typeof address === 'object' && address ? address.port : ''}`,
    );

    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      // Stop accepting, let in-flight requests finish, then close the database; give up after 10 s.
      const deadline = setTimeout(() => {
        server.closeAllConnections();
      }, 8000);
      deadline.unref();
      clearInterval(keyRefresh);
      server.close(() => {
        void Promise.all([running.close(), db.close(), limits.close()]).then(
          () => process.exit(0),
          (error: unknown) => {
            log.error(safeErrorFields(error), 'closing the database failed');
            process.exit(1);
          },
        );
      });
      // Keep-alive connections go as soon as they are idle, including those whose last request just finished.
      server.closeIdleConnections();
      setInterval(() => server.closeIdleConnections(), 250).unref();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  } catch (error) {
    await authCaches?.close();
    await db.close();
    throw error;
  }
}

// A promise nobody awaited must not take the server down with it (Node's default): log it and carry on.
process.on('unhandledRejection', (reason: unknown) => log.error(safeErrorFields(reason), 'unhandled promise rejection'));

main().catch((error: unknown) => {
  if (EXPECTED.some((kind) => error instanceof kind)) {
    log.error(`cannot start: ${(error as Error).message}`);
  } else {
    log.error(safeErrorFields(error), 'cannot start');
  }
  process.exitCode = 1;
});
