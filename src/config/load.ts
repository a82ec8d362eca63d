import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import proxyAddr from 'proxy-addr';
import { parse as parseToml } from 'smol-toml';
import { ConfigError } from './errors.js';
import { ensureGeneratedSecrets } from './generated-secrets.js';
import type { Config, DatabaseConfig } from './types.js';

export interface LoadConfigOptions {
  /** Environment to read; the composition root passes `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
  /** Folder that relative paths (config file, embedded database) resolve against. */
  cwd: string;
  /** Receives warnings such as unknown keys. */
  warn?: (message: string) => void;
}

type Section = 'security' | 'database' | 'webserver' | 'redis' | 'logging';

/** Every known key, with the environment aliases users will try. */
const KEYS: Record<Section, Record<string, readonly string[]>> = {
  security: {
    oauth_root_client_id: [],
    oauth_root_client_secret: [],
    oauth_access_token_expire_minutes: ['OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES'],
    app_encryption_key: [],
    oauth_issuer: [],
    oauth_audience: [],
    auth_rate_limit: [],
    auth_ip_rate_limit: [],
    request_rate_limit: [],
    trusted_proxies: [],
    trust_forwarded_for: [],
    cors_origins: [],
    graphql_introspection: [],
  },
  database: { url: ['DATABASE_URL'] },
  redis: { url: [] },
  logging: { level: ['LOG_LEVEL'] },
  webserver: { host: [], port: ['PORT'] },
};

type Raw = Partial<Record<`${Section}.${string}`, { value: unknown; source: string }>>;

export function loadConfig(options: LoadConfigOptions): Config {
  const { env, cwd } = options;
  const warn = options.warn ?? (() => {});
  const configPath = findConfigFile(env, cwd);
  const raw: Raw = {};
  if (configPath) readToml(configPath, raw, warn);
  readEnv(env, raw, warn);

  const get = (section: Section, key: string) => raw[`${section}.${key}`];
  const str = (section: Section, key: string) => optionalString(get(section, key));

  const port = portNumber(get('webserver', 'port'));
  const database = databaseConfig(str('database', 'url') ?? 'pglite://./.fides/data', cwd);
  const expire = positiveNumber(get('security', 'oauth_access_token_expire_minutes'));

  const explicit = {
    oauthRootClientId: str('security', 'oauth_root_client_id'),
    oauthRootClientSecret: str('security', 'oauth_root_client_secret'),
    appEncryptionKey: str('security', 'app_encryption_key'),
  };
  if (explicit.appEncryptionKey !== undefined) checkEncryptionKey(explicit.appEncryptionKey, 'security.app_encryption_key');
  const secrets = ensureGeneratedSecrets(explicit, dataFolder(database, cwd));
  checkEncryptionKey(secrets.values.appEncryptionKey, `app_encryption_key in ${secrets.path}`);

  const issuer = str('security', 'oauth_issuer') ?? `http://localhost:${port}`;
  checkIssuer(issuer);
  const audience = str('security', 'oauth_audience') ?? issuer;

  return deepFreeze({
    configPath,
    security: {
      ...secrets.values,
      oauthAccessTokenExpireMinutes: expire ?? 11520,
      oauthIssuer: issuer,
      oauthAudience: audience,
      authRateLimit: rateLimit(get('security', 'auth_rate_limit')) ?? { points: 10, durationSeconds: 60 },
      authIpRateLimit: rateLimit(get('security', 'auth_ip_rate_limit')) ?? { points: 100, durationSeconds: 60 },
      requestRateLimit: rateLimit(get('security', 'request_rate_limit')) ?? null,
      trustedProxies: trustedProxies(get('security', 'trusted_proxies'), get('security', 'trust_forwarded_for'), warn),
      corsOrigins: origins(get('security', 'cors_origins')),
      graphqlIntrospection: bool(get('security', 'graphql_introspection')) ?? true,
      generated: secrets.generatedKeys.length > 0 ? { path: secrets.path, keys: secrets.generatedKeys } : null,
    },
    database,
    webserver: { host: str('webserver', 'host') ?? '0.0.0.0', port },
    redis: { url: redisUrl(str('redis', 'url')) },
    logging: { level: logLevel(get('logging', 'level')) },
  });
}

/**
 * The folder that holds what the server keeps on disk besides the database tables: the generated secrets file,
 * and for an embedded database its lock file and PostgreSQL files.
 */
function dataFolder(database: DatabaseConfig, cwd: string): string {
  return database.kind === 'pglite-dir' ? database.dir : resolve(cwd, '.fides');
}

function findConfigFile(env: LoadConfigOptions['env'], cwd: string): string | null {
  const explicit = env.FIDES__CONFIG_PATH;
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError(`FIDES__CONFIG_PATH: no file at ${path}`);
    return path;
  }
  for (const candidate of ['fides.toml', '.fides/fides.toml']) {
    const path = resolve(cwd, candidate);
    if (existsSync(path)) return path;
  }
  return null;
}

function readToml(path: string, raw: Raw, warn: (m: string) => void): void {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(readFileSync(path, 'utf8'));
  } catch (error) {
    const line = error instanceof Error ? error.message.split('\n')[0] : 'unreadable';
    throw new ConfigError(`${path}: not valid TOML (${line})`);
  }
  for (const [section, table] of Object.entries(doc)) {
    if (!(section in KEYS)) {
      warn(`${path}: unknown section [${section}] ignored`);
      continue;
    }
    if (typeof table !== 'object' || table === null || Array.isArray(table)) {
      throw new ConfigError(`${path}: [${section}] must be a table`);
    }
    for (const [key, value] of Object.entries(table)) {
      if (!(key in KEYS[section as Section])) {
        warn(`${path}: unknown key ${section}.${key} ignored`);
        continue;
      }
      raw[`${section as Section}.${key}`] = { value, source: `${section}.${key}` };
    }
  }
}

function readEnv(env: LoadConfigOptions['env'], raw: Raw, warn: (m: string) => void): void {
  for (const [section, keys] of Object.entries(KEYS) as [Section, Record<string, readonly string[]>][]) {
    for (const [key, aliases] of Object.entries(keys)) {
      // The long name wins over an alias when both are set.
      for (const name of [...aliases, `FIDES__${section.toUpperCase()}__${key.toUpperCase()}`]) {
        const value = env[name];
        if (value !== undefined && value !== '') raw[`${section}.${key}`] = { value, source: name };
      }
    }
  }
  for (const name of Object.keys(env)) {
    const match = /^FIDES__([A-Z0-9_]+?)__([A-Z0-9_]+)$/.exec(name);
    if (!match) continue;
    const [, section, key] = match as unknown as [string, string, string];
    const known = KEYS[section.toLowerCase() as Section]?.[key.toLowerCase()];
    if (!known) warn(`unknown environment variable ${name} ignored`);
  }
}

type Entry = Raw[`${Section}.${string}`];

function optionalString(entry: Entry): string | undefined {
  if (entry === undefined) return undefined;
  if (typeof entry.value !== 'string') throw new ConfigError(`${entry.source}: must be a string`);
  if (entry.value.trim() === '') throw new ConfigError(`${entry.source}: must not be empty`);
  return entry.value;
}

function positiveNumber(entry: Entry): number | undefined {
  if (entry === undefined) return undefined;
  const value = typeof entry.value === 'string' && entry.value.trim() !== '' ? Number(entry.value) : entry.value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${entry.source}: must be a positive number of minutes, got ${JSON.stringify(entry.value)}`);
  }
  if (Math.round(value * 60) < 1) throw new ConfigError(`${entry.source}: must be at least one second (0.0167 minutes)`);
  return value;
}

function portNumber(entry: Entry): number {
  if (entry === undefined) return 8080;
  const value = typeof entry.value === 'string' && /^\d+$/.test(entry.value) ? Number(entry.value) : entry.value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${entry.source}: must be a port number from 0 to 65535, got ${JSON.stringify(entry.value)}`);
  }
  return value;
}

const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

/** `"10/minute"`; `"off"` (or absent) is no limit. */
function rateLimit(entry: Entry): { points: number; durationSeconds: number } | undefined {
  if (entry === undefined) return undefined;
  const text = typeof entry.value === 'string' ? entry.value.trim().toLowerCase() : '';
  if (text === 'off') return undefined;
  const match = /^(\d{1,7})\s*\/\s*(second|minute|hour|day)$/.exec(text);
  if (!match || Number(match[1]) < 1) {
    throw new ConfigError(`${entry.source}: must look like "10/minute" (a count per second, minute, hour or day), got ${JSON.stringify(entry.value)}`);
  }
  return { points: Number(match[1]), durationSeconds: UNIT_SECONDS[match[2]!]! };
}

function bool(entry: Entry): boolean | undefined {
  if (entry === undefined) return undefined;
  if (typeof entry.value === 'boolean') return entry.value;
  if (typeof entry.value === 'string' && /^(true|false)$/i.test(entry.value.trim())) return entry.value.trim().toLowerCase() === 'true';
  throw new ConfigError(`${entry.source}: must be true or false, got ${JSON.stringify(entry.value)}`);
}

function origins(entry: Entry): string[] {
  if (entry === undefined) return [];
  const list = typeof entry.value === 'string' ? entry.value.split(',').map((item) => item.trim()).filter(Boolean) : entry.value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw new ConfigError(`${entry.source}: must be a list of origins such as ["https://admin.example.com"]`);
  }
  for (const origin of list as string[]) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== origin) throw new ConfigError(`${entry.source}: ${JSON.stringify(origin)} is not an origin (scheme://host[:port])`);
  }
  return list as string[];
}

/**
 * `trusted_proxies`: a hop count, or addresses, CIDR ranges and proxy-addr's names, each checked by proxy-addr
 * itself. `trust_forwarded_for = true`, from before, took the left-most X-Forwarded-For entry, which the client
 * writes; it now means one trusted hop, the common single-proxy deployment.
 */
function trustedProxies(entry: Entry, legacy: Entry, warn: (m: string) => void): readonly string[] | number {
  if (legacy !== undefined && bool(legacy)) {
    if (entry === undefined) {
      warn(`${legacy.source} is deprecated: it now means security.trusted_proxies = 1 (the right-most X-Forwarded-For entry is the client); set trusted_proxies instead`);
      return 1;
    }
    warn(`${legacy.source} is ignored: security.trusted_proxies is set`);
  }
  if (entry === undefined) return [];
  const { value, source } = entry;
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (typeof value === 'number' || (text !== undefined && /^\d+$/.test(text))) {
    const hops = Number(value);
    if (!Number.isInteger(hops) || hops < 0 || hops > 32) throw new ConfigError(`${source}: a number of proxy hops must be a whole number from 0 to 32, got ${JSON.stringify(value)}`);
    return hops;
  }
  const list = text !== undefined ? text.split(',').map((item) => item.trim()).filter(Boolean) : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw new ConfigError(`${source}: must be a list of proxy addresses or CIDR ranges (or loopback, linklocal, uniquelocal), or a number of hops`);
  }
  for (const item of list as string[]) {
    try {
      proxyAddr.compile(item);
    } catch {
      throw new ConfigError(`${source}: ${JSON.stringify(item)} is not an IP address, a CIDR range, or one of loopback, linklocal, uniquelocal`);
    }
  }
  return list as string[];
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevel(entry: Entry): (typeof LOG_LEVELS)[number] {
  if (entry === undefined) return 'info';
  const level = LOG_LEVELS.find((name) => name === entry.value);
  if (!level) throw new ConfigError(`${entry.source}: must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(entry.value)}`);
  return level;
}

function redisUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  if (!/^rediss?:\/\/./.test(url)) throw new ConfigError('redis.url: must be redis://… or rediss://…');
  return url;
}

function databaseConfig(url: string, cwd: string): DatabaseConfig {
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new ConfigError('database.url: not a valid postgresql:// URL');
    }
    return { kind: 'postgresql', url };
  }
  if (url === 'pglite://memory') return { kind: 'pglite-memory', url };
  if (url.startsWith('pglite://') && url.length > 'pglite://'.length) {
    const path = url.slice('pglite://'.length);
    return { kind: 'pglite-dir', url, dir: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  // Never echo the value: a database URL may carry a password.
  throw new ConfigError('database.url: must be postgresql://…, pglite://memory or pglite://<path>');
}

function checkEncryptionKey(key: string, source: string): void {
  if ([...key].length !== 32 || Buffer.byteLength(key) !== 32) {
    throw new ConfigError(`${source}: must be exactly 32 ASCII characters, got ${[...key].length}`);
  }
}

function checkIssuer(issuer: string): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(`security.oauth_issuer: not a URL: ${JSON.stringify(issuer)}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new ConfigError('security.oauth_issuer: must be an http(s) URL without query or fragment (RFC 8414)');
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
