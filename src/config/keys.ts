import * as parse from './parsers.js';
import type { Parser } from './parsers.js';

export type Section = 'security' | 'database' | 'webserver' | 'redis' | 'logging' | 'metrics' | 'audit';

/** A value as it would be written in fides.toml. */
export type TomlValue = string | number | boolean | readonly string[];

interface KeyBase<T> {
  /** Short environment names users will try. `FIDES__<SECTION>__<KEY>` is derived, and wins when both are set. */
  readonly aliases?: readonly string[];
  /** How the environment spells a value that TOML writes differently (a list, a number). */
  readonly envForm?: string;
  readonly parse: Parser<T>;
  /** The README's "meaning" cell (Markdown). */
  readonly doc: string;
  /** For a key kept so old files still work: its row is this key's, so it gets none of its own. */
  readonly replacedBy?: `${Section}.${string}`;
}

/**
 * A default is either a literal, written as in fides.toml and parsed like any configured value, or worked out at
 * start by the loader (generated, or taken from another key), which `shownDefault` then describes.
 */
export type ConfigKey<T> = KeyBase<T> &
  (
    | { readonly default: TomlValue; readonly defaultNote?: string; readonly shownDefault?: never }
    | { readonly default?: never; readonly defaultNote?: never; readonly shownDefault: string }
  );

/** Infers each key's value type from its parser, so the loader's values are typed per key. */
function key<T>(spec: ConfigKey<T>): ConfigKey<T> {
  return spec;
}

/**
 * Every configuration key: the loader reads, checks and defaults from this table alone, in this order, and
 * `npm run docs:emit` writes the README's configuration table from it. A key's TOML section and name are its property
 * name; `loadConfig` puts its value in `Config` under that name in camelCase (`database.url` gives all of
 * `Config.database`).
 */
export const CONFIG_KEYS = {
  'security.oauth_root_client_id': key({
    parse: parse.string,
    shownDefault: 'generated',
    doc: 'the root client, which holds every scope',
  }),
  'security.oauth_root_client_secret': key({
    parse: parse.rootClientSecret,
    shownDefault: 'generated (43 characters)',
    doc: 'its secret: at least 16 characters (shorter stops the start), under 32 starts with a warning; use `openssl rand -base64 32`',
  }),
  'security.oauth_access_token_expire_minutes': key({
    aliases: ['OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES'],
    parse: parse.positiveMinutes,
    default: 11520,
    defaultNote: '8 days',
    doc: 'token lifetime; positive, fractions allowed (`0.05` = 3 s), at least one second',
  }),
  'security.app_encryption_key': key({
    parse: parse.encryptionKey,
    shownDefault: 'generated',
    doc:
      'exactly 32 ASCII characters; encrypts the private signing keys at rest (AES-256-GCM, each bound to its kid); ' +
      'fewer than 10 distinct characters starts with a warning; use `openssl rand -base64 24`. Changing it makes the ' +
      'stored signing keys unreadable, and the server then refuses to start',
  }),
  'security.oauth_issuer': key({
    parse: parse.issuer,
    shownDefault: '`http://localhost:<port>`',
    doc:
      '`iss` of every token and of the metadata document; an http(s) URL without query or fragment. When it is not ' +
      'configured, the first start that generates secrets records `http://localhost:<port>` in the secrets file, so a ' +
      'restart on another port keeps the tokens already issued valid; behind a proxy or on another host, set it',
  }),
  'security.oauth_audience': key({
    parse: parse.string,
    shownDefault: 'the issuer',
    doc: '`aud` of every token, checked on every request',
  }),
  'database.url': key({
    aliases: ['DATABASE_URL'],
    parse: parse.databaseUrl,
    default: 'pglite://./.fides/data',
    doc: '`postgresql://…` for a real PostgreSQL; `pglite://memory` in memory; `pglite://<path>` on disk',
  }),
  'webserver.host': key({
    parse: parse.string,
    default: '0.0.0.0',
    doc: 'listen address',
  }),
  'webserver.port': key({
    aliases: ['PORT'],
    parse: parse.port,
    default: 8080,
    doc: 'listen port; `0` picks a free one',
  }),
  'webserver.shutdown_drain_seconds': key({
    parse: parse.drainSeconds,
    default: 0,
    doc: 'on SIGTERM or SIGINT, answer `/health/ready` with 503 (and close each connection after its answer) for this long before the listener closes, so a load balancer that checks readiness takes the process out first; 0 to 60, fractions allowed (see [Running several replicas](#running-several-replicas))',
  }),
  'security.auth_rate_limit': key({
    parse: parse.rateLimit,
    default: '10/minute',
    doc:
      'failed client authentications allowed per (client id, client IP) pair (`<n>/<second|minute|hour|day>`); ' +
      'see [Limits and abuse](#limits-and-abuse)',
  }),
  'security.auth_ip_rate_limit': key({
    parse: parse.rateLimit,
    default: '100/minute',
    doc: 'failed client authentications allowed per client IP, whatever client ids they name, same format',
  }),
  'security.request_rate_limit': key({
    parse: parse.rateLimit,
    default: 'off',
    doc: 'all requests allowed per client IP, same format (`off` to disable)',
  }),
  'security.trust_forwarded_for': key({
    parse: parse.bool,
    default: false,
    replacedBy: 'security.trusted_proxies',
    doc: '`true` means `trusted_proxies = 1`, with a warning',
  }),
  'security.trusted_proxies': key({
    envForm: 'comma-separated, or a number',
    parse: parse.trustedProxies,
    default: [],
    defaultNote: '`X-Forwarded-For` ignored',
    doc:
      'the reverse proxies whose `X-Forwarded-For` entries are believed: addresses, CIDR ranges, `loopback`, ' +
      '`linklocal`, `uniquelocal`, or a number of hops; see [Behind a proxy](#behind-a-proxy). The older ' +
      '`trust_forwarded_for = true` means `1` (with a warning)',
  }),
  'security.cors_origins': key({
    envForm: 'comma-separated',
    parse: parse.origins,
    default: [],
    defaultNote: 'CORS off',
    doc: 'origins allowed to call the API from a browser',
  }),
  'security.graphql_introspection': key({
    parse: parse.bool,
    default: true,
    doc: "serve GraphQL introspection (GraphiQL's schema explorer needs it)",
  }),
  'logging.level': key({
    aliases: ['LOG_LEVEL'],
    parse: parse.logLevel,
    default: 'info',
    doc: parse.LOG_LEVELS.map((level) => `\`${level}\``)
      .join(', ')
      .replace(/, ([^,]*)$/, ' or $1'),
  }),
  'redis.url': key({
    parse: parse.redisUrl,
    shownDefault: 'none',
    doc: '`redis://…`: share the rate-limit counters between processes; in memory without it',
  }),
  'audit.retention_days': key({
    parse: parse.positiveDays,
    default: 90,
    doc: 'how long audit events (client changes, revocations, lockouts, key rotations, policy changes) are kept; older ones are purged at start and every hour',
  }),
  'metrics.enabled': key({
    parse: parse.bool,
    default: true,
    doc: 'serve Prometheus metrics at `GET /metrics` (request counts and durations by route template, grants, throttling, caches, the argon2 queue, the database pool, Node process metrics)',
  }),
};

export type KeyName = keyof typeof CONFIG_KEYS;

/** What a key's parser gives, before its default is applied. */
export type KeyValue<N extends KeyName> = (typeof CONFIG_KEYS)[N] extends ConfigKey<infer T> ? T : never;

export function sectionOf(name: KeyName): Section {
  return name.slice(0, name.indexOf('.')) as Section;
}

/** The environment name every key has: `FIDES__<SECTION>__<KEY>`. */
export function fidesName(name: KeyName): string {
  return `FIDES__${name.replace('.', '__').toUpperCase()}`;
}

/** Every environment variable a key is read from, lowest priority first: its aliases, then its `FIDES__` name. */
export function envNames(name: KeyName): readonly string[] {
  return [...(CONFIG_KEYS[name].aliases ?? []), fidesName(name)];
}
