import { isAbsolute, resolve } from 'node:path';
import proxyAddr from 'proxy-addr';
import { ConfigError } from './errors.js';
import type { DatabaseConfig, LoggingConfig, RateLimit } from './types.js';

/** A value as read, and where from: the TOML `section.key`, or the environment variable's name. */
export interface Entry {
  readonly value: unknown;
  readonly source: string;
}

export interface ParseContext {
  /** Folder that relative paths resolve against. */
  readonly cwd: string;
  readonly warn: (message: string) => void;
}

/**
 * Checks one key's value. `undefined` means "as if not set": the key's default applies (so `auth_rate_limit = "off"`
 * keeps the default limit, as it always has, while `request_rate_limit`'s default is itself `"off"`).
 */
export type Parser<T> = (entry: Entry, context: ParseContext) => T | undefined;

export function string(entry: Entry): string {
  if (typeof entry.value !== 'string') throw new ConfigError(`${entry.source}: must be a string`);
  if (entry.value.trim() === '') throw new ConfigError(`${entry.source}: must not be empty`);
  return entry.value;
}

export function positiveMinutes(entry: Entry): number {
  const value = typeof entry.value === 'string' && entry.value.trim() !== '' ? Number(entry.value) : entry.value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${entry.source}: must be a positive number of minutes, got ${JSON.stringify(entry.value)}`);
  }
  if (Math.round(value * 60) < 1)
    throw new ConfigError(`${entry.source}: must be at least one second (0.0167 minutes)`);
  return value;
}

/** A whole number of days, at least one. */
export function positiveDays(entry: Entry): number {
  const value = typeof entry.value === 'string' && /^\d+$/.test(entry.value.trim()) ? Number(entry.value) : entry.value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 36500) {
    throw new ConfigError(
      `${entry.source}: must be a whole number of days from 1 to 36500, got ${JSON.stringify(entry.value)}`,
    );
  }
  return value;
}

export function port(entry: Entry): number {
  const value = typeof entry.value === 'string' && /^\d+$/.test(entry.value) ? Number(entry.value) : entry.value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${entry.source}: must be a port number from 0 to 65535, got ${JSON.stringify(entry.value)}`);
  }
  return value;
}

/** Seconds from 0 to 60, fractions allowed. */
export function drainSeconds(entry: Entry): number {
  const value = typeof entry.value === 'string' && entry.value.trim() !== '' ? Number(entry.value) : entry.value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 60) {
    throw new ConfigError(
      `${entry.source}: must be a number of seconds from 0 to 60, got ${JSON.stringify(entry.value)}`,
    );
  }
  return value;
}

const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

/** `"10/minute"`; `"off"` is no limit. */
export function rateLimit(entry: Entry): RateLimit | undefined {
  const text = typeof entry.value === 'string' ? entry.value.trim().toLowerCase() : '';
  if (text === 'off') return undefined;
  const match = /^(\d{1,7})\s*\/\s*(second|minute|hour|day)$/.exec(text);
  if (!match || Number(match[1]) < 1) {
    throw new ConfigError(
      `${entry.source}: must look like "10/minute" (a count per second, minute, hour or day), got ${JSON.stringify(entry.value)}`,
    );
  }
  return { points: Number(match[1]), durationSeconds: UNIT_SECONDS[match[2]!]! };
}

export function bool(entry: Entry): boolean {
  if (typeof entry.value === 'boolean') return entry.value;
  if (typeof entry.value === 'string' && /^(true|false)$/i.test(entry.value.trim()))
    return entry.value.trim().toLowerCase() === 'true';
  throw new ConfigError(`${entry.source}: must be true or false, got ${JSON.stringify(entry.value)}`);
}

export function origins(entry: Entry): readonly string[] {
  const list =
    typeof entry.value === 'string'
      ? entry.value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : entry.value;
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
    if (!url || url.origin !== origin)
      throw new ConfigError(`${entry.source}: ${JSON.stringify(origin)} is not an origin (scheme://host[:port])`);
  }
  return list as string[];
}

/**
 * A hop count, or addresses, CIDR ranges and proxy-addr's names, each checked by proxy-addr itself. The older
 * `trust_forwarded_for` is folded in by the loader, which sees both keys.
 */
export function trustedProxies({ value, source }: Entry): readonly string[] | number {
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (typeof value === 'number' || (text !== undefined && /^\d+$/.test(text))) {
    const hops = Number(value);
    if (!Number.isInteger(hops) || hops < 0 || hops > 32)
      throw new ConfigError(
        `${source}: a number of proxy hops must be a whole number from 0 to 32, got ${JSON.stringify(value)}`,
      );
    return hops;
  }
  const list =
    text !== undefined
      ? text
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw new ConfigError(
      `${source}: must be a list of proxy addresses or CIDR ranges (or loopback, linklocal, uniquelocal), or a number of hops`,
    );
  }
  for (const item of list as string[]) {
    try {
      proxyAddr.compile(item);
    } catch {
      throw new ConfigError(
        `${source}: ${JSON.stringify(item)} is not an IP address, a CIDR range, or one of loopback, linklocal, uniquelocal`,
      );
    }
  }
  return list as string[];
}

export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const satisfies readonly LoggingConfig['level'][];

export function logLevel(entry: Entry): LoggingConfig['level'] {
  const level = LOG_LEVELS.find((name) => name === entry.value);
  if (!level)
    throw new ConfigError(
      `${entry.source}: must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(entry.value)}`,
    );
  return level;
}

export function redisUrl(entry: Entry): string {
  const url = string(entry);
  if (!/^rediss?:\/\/./.test(url)) throw new ConfigError('redis.url: must be redis://… or rediss://…');
  return url;
}

export function databaseUrl(entry: Entry, context: ParseContext): DatabaseConfig {
  const url = string(entry);
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
    return { kind: 'pglite-dir', url, dir: isAbsolute(path) ? path : resolve(context.cwd, path) };
  }
  // Never echo the value: a database URL may carry a password.
  throw new ConfigError('database.url: must be postgresql://…, pglite://memory or pglite://<path>');
}

/** An RFC 8414 issuer: it becomes `iss` and the metadata document's address. */
export function issuer(entry: Entry): string {
  const value = string(entry);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`security.oauth_issuer: not a URL: ${JSON.stringify(value)}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new ConfigError('security.oauth_issuer: must be an http(s) URL without query or fragment (RFC 8414)');
  }
  return value;
}

export function rootClientSecret(entry: Entry, context: ParseContext): string {
  const value = string(entry);
  checkRootClientSecret(value, entry.source, context.warn);
  return value;
}

export function encryptionKey(entry: Entry, context: ParseContext): string {
  const value = string(entry);
  checkEncryptionKey(value, 'security.app_encryption_key');
  checkEncryptionKeyVariety(value, entry.source, context.warn);
  return value;
}

/** Below this the root secret, which holds every scope, is refused; online guessing is throttled, offline is not. */
const ROOT_SECRET_MIN_CHARS = 16;
/** Below this it is accepted with a warning: a generated secret has 43 characters (32 random bytes). */
const ROOT_SECRET_WARN_CHARS = 32;

/**
 * Lengths count characters (code points), not bytes. Messages carry neither the value nor its length: either would
 * narrow a guess at a secret that may still be in use.
 */
export function checkRootClientSecret(secret: string, source: string, warn: (m: string) => void): void {
  const length = [...secret].length;
  if (length < ROOT_SECRET_MIN_CHARS) {
    throw new ConfigError(
      `${source}: must be at least ${ROOT_SECRET_MIN_CHARS} characters; use a random secret (openssl rand -base64 32)`,
    );
  }
  if (length < ROOT_SECRET_WARN_CHARS) {
    warn(`${source}: shorter than ${ROOT_SECRET_WARN_CHARS} characters; use a random secret (openssl rand -base64 32)`);
  }
}

export function checkEncryptionKey(key: string, source: string): void {
  if ([...key].length !== 32 || Buffer.byteLength(key) !== 32) {
    throw new ConfigError(`${source}: must be exactly 32 ASCII characters, got ${[...key].length}`);
  }
}

/**
 * A 32-character key with fewer distinct characters than this was typed, not drawn (`aaaa…`, `abcdabcd…`). A
 * generated key (32 base64url characters from 24 random bytes) has fewer than 10 distinct characters with probability
 * about 1e-17; a random hex key (`openssl rand -hex 16`) about 1e-4.
 */
const ENCRYPTION_KEY_MIN_DISTINCT = 10;

export function checkEncryptionKeyVariety(key: string, source: string, warn: (m: string) => void): void {
  // The count itself stays out of the message: it would tell a reader of the log how small the key's alphabet is.
  if (new Set(key).size < ENCRYPTION_KEY_MIN_DISTINCT) {
    warn(
      `${source}: fewer than ${ENCRYPTION_KEY_MIN_DISTINCT} distinct characters, so it is easy to guess; use a random key (openssl rand -base64 24)`,
    );
  }
}
