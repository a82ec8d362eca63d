// `npm start`: builds the system (compose.ts), listens, and handles signals. The only module that owns the process.
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config/index.js';
import { safeErrorFields } from '../core/index.js';
import { DataFolderLockedError, recordServerUrl } from '../db/lock-file.js';
import { embeddedLockFile } from '../db/orm.js';
import { KeyDecryptionError } from '../tokens/index.js';
import { composeSystem } from './compose.js';
import { createHttpServer } from './http-server.js';
import { reachableUrl } from './reachable-url.js';

/**
 * Where JSON lines go: stdout, written asynchronously. pino's default writes each line with its own synchronous
 * write(2), one per request for the access log, which was 5% of a warm grant's time under load; asynchronously, lines
 * logged while a write is under way leave together in the next one, and an idle server still writes each at once.
 * pino flushes what is pending synchronously when the process exits.
 */
const stdout = process.stdout.isTTY ? undefined : pino.destination({ dest: 1, sync: false });

/** JSON lines for machines; human-readable lines (pino-pretty) when a person watches the terminal. */
const logger = (level: string) =>
  stdout
    ? pino({ level, base: { service: 'gatehouse' } }, stdout)
    : pino({
        level,
        base: { service: 'gatehouse' },
        transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } },
      });
/** Until the configuration names a level. */
let log = logger('info');

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

  const system = await composeSystem(config, { log });
  try {
    const server = createHttpServer(system.app, { draining: system.draining });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.webserver.port, config.webserver.host, resolve);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.webserver.port;
    // The operator CLI finds the folder locked by this process and goes through it: tell it where (PORT=0 included),
    // before saying it listens, so that whoever waits for that line finds the URL there.
    const lockFile = embeddedLockFile(config.database);
    if (lockFile) {
      try {
        recordServerUrl(lockFile, reachableUrl(config.webserver.host, port));
      } catch (error) {
        // Not worth stopping for: the CLI then tries the configured host and port.
        log.warn(safeErrorFields(error), 'could not record the listening URL in the data folder’s lock file');
      }
    }
    log.info({ database: config.database.kind, port }, `listening on http://${config.webserver.host}:${port}`);
    // For the person who just typed `npm start`: where to go next, and where the root credentials are.
    const local = `http://${['0.0.0.0', '::'].includes(config.webserver.host) ? 'localhost' : config.webserver.host}:${port}`;
    log.info(
      { docs: `${local}/docs`, graphql: `${local}/graphql`, issuer: config.security.oauthIssuer },
      config.security.generated
        ? `REST docs at ${local}/docs, GraphiQL at ${local}/graphql; the root client's id and secret are in ${config.security.generated.path}`
        : `REST docs at ${local}/docs, GraphiQL at ${local}/graphql`,
    );

    let stopping = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const close = () => {
      clearTimeout(drainTimer);
      drainTimer = undefined;
      // Stop accepting, let in-flight requests finish, then close the database; give up after 10 s.
      const deadline = setTimeout(() => {
        server.closeAllConnections();
      }, 8000);
      deadline.unref();
      server.close(() => {
        void system.close().then(
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
    const stop = (signal: string) => {
      if (stopping) {
        // A second signal during the drain (Ctrl-C twice): skip the rest of it.
        if (drainTimer) close();
        return;
      }
      stopping = true;
      const drainMs = config.webserver.shutdownDrainSeconds * 1000;
      if (drainMs === 0) {
        log.info({ signal }, 'shutting down');
        close();
        return;
      }
      log.info({ signal, drainSeconds: config.webserver.shutdownDrainSeconds }, 'shutting down');
      // Not ready from now on, still serving: a balancer checking /health/ready stops sending requests here before
      // the listener closes, so none of them meets a refused connection.
      system.drain();
      drainTimer = setTimeout(close, drainMs);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  } catch (error) {
    await system.close();
    throw error;
  }
}

// A promise nobody awaited must not take the server down with it (Node's default): log it and carry on.
process.on('unhandledRejection', (reason: unknown) =>
  log.error(safeErrorFields(reason), 'unhandled promise rejection'),
);

main().catch((error: unknown) => {
  if (EXPECTED.some((kind) => error instanceof kind)) {
    log.error(`cannot start: ${(error as Error).message}`);
  } else {
    log.error(safeErrorFields(error), 'cannot start');
  }
  process.exitCode = 1;
});
