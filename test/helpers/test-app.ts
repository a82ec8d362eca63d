import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { Logger } from '../../src/core/index.js';
import type { Database } from '../../src/db/orm.js';
import type { App } from '../../src/server/app.js';
import { composeSystem } from '../../src/server/compose.js';
import type { ProcessStateOptions } from '../../src/server/process-state.js';
import type { KeyStore } from '../../src/tokens/index.js';

/** Set (by .ci/run) to run the suite on a real PostgreSQL: each test file gets a fresh database on that server. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export const ROOT = { clientId: 'gatehouse-test-root', clientSecret: 'test-root-secret-0123456789abcdef' } as const;
export const ISSUER = 'http://gatehouse.test';

/** A log that keeps every line, so tests can assert what was (and was not) logged. */
export function recordingLogger(): Logger & { lines: { level: string; fields: object; message: string }[] } {
  const lines: { level: string; fields: object; message: string }[] = [];
  const record = (level: string) => (fields: object, message: string) => void lines.push({ level, fields, message });
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

export interface TestApp {
  readonly app: App;
  readonly db: Database;
  readonly config: Config;
  readonly log: ReturnType<typeof recordingLogger>;
  readonly keys: KeyStore;
  /** Calls the app in-process (no port). `path` is relative to the issuer origin. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The production system (src/server/compose.ts) on a fresh, migrated database: in-memory PGlite by default, or a new
 * database on TEST_DATABASE_URL. Configuration goes through the real loader, from an explicit environment.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { processState?: ProcessStateOptions } = {},
): Promise<TestApp> {
  const database = await freshDatabaseUrl();
  // An empty folder, so no fides.toml lying around the checkout can change what the tests see.
  const cwd = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const config = loadConfig({
    cwd,
    env: {
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: ROOT.clientId,
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: ROOT.clientSecret,
      FIDES__SECURITY__APP_ENCRYPTION_KEY: 'test-encryption-key-32-chars-ok!',
      FIDES__SECURITY__OAUTH_ISSUER: ISSUER,
      DATABASE_URL: database.url,
      // In-process requests share one address; tests of the throttle set their own limit and X-Forwarded-For.
      FIDES__SECURITY__AUTH_RATE_LIMIT: '1000/minute',
      ...env,
    },
  });
  const log = recordingLogger();
  const system = await composeSystem(config, { log, processState: options.processState });
  const { app, db, keys } = system;
  return {
    app,
    db,
    config,
    log,
    keys,
    fetch: async (path, init = {}) => app.fetch(new URL(path, ISSUER), init),
    close: async () => {
      await system.close();
      await database.drop();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

export async function freshDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) return { url: 'pglite://memory', drop: async () => {} };
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    },
  };
}
