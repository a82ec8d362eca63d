/**
 * The server's configuration, checked once at start and frozen.
 *
 * Sources, lowest to highest priority: defaults < TOML config file < environment.
 * Every key below names its TOML section/key and its environment variable(s).
 */
export interface Config {
  readonly security: SecurityConfig;
  readonly database: DatabaseConfig;
  readonly webserver: WebserverConfig;
  readonly redis: RedisConfig;
  readonly logging: LoggingConfig;
  /** Where the config file was read from, or `null` when none was found. */
  readonly configPath: string | null;
}

export interface SecurityConfig {
  /**
   * Client id of the root client, which holds every scope.
   * `[security] oauth_root_client_id`, `FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID`.
   * @default generated on first boot and kept in the data folder's secrets file
   */
  readonly oauthRootClientId: string;
  /**
   * Secret of the root client. Compared in constant time; never logged. At least 16 characters (shorter stops the
   * start); under 32 starts with a warning. The root client holds every scope, so use a random value
   * (`openssl rand -base64 32`).
   * `[security] oauth_root_client_secret`, `FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET`.
   * @default generated on first boot (43 characters) and kept in the data folder's secrets file
   */
  readonly oauthRootClientSecret: string;
  /**
   * Access-token lifetime in minutes; a positive number, fractions allowed (`0.05` = 3 s).
   * `[security] oauth_access_token_expire_minutes`, `FIDES__SECURITY__OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES`,
   * `OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES`.
   * @default 11520 (8 days)
   */
  readonly oauthAccessTokenExpireMinutes: number;
  /**
   * Exactly 32 ASCII characters; encrypts the private signing keys at rest (AES-256-GCM). Fewer than 10 distinct
   * characters starts with a warning (a typed key, not a random one; `openssl rand -base64 24` makes a good one).
   * Changing it makes the stored signing keys unreadable: the server then refuses to start.
   * `[security] app_encryption_key`, `FIDES__SECURITY__APP_ENCRYPTION_KEY`.
   * @default generated on first boot and kept in the data folder's secrets file
   */
  readonly appEncryptionKey: string;
  /**
   * `iss` of every token and of the metadata document; pinned on verification.
   * `[security] oauth_issuer`, `FIDES__SECURITY__OAUTH_ISSUER`.
   * @default `http://localhost:<port>`
   */
  readonly oauthIssuer: string;
  /**
   * `aud` of every token; pinned on verification.
   * `[security] oauth_audience`, `FIDES__SECURITY__OAUTH_AUDIENCE`.
   * @default the issuer
   */
  readonly oauthAudience: string;
  /**
   * Failed client authentications allowed per (client id, client IP) pair in a window, at the token endpoint,
   * `issueToken`, introspection and revocation; past it, every attempt from that pair, right secret or wrong, is 429
   * until the window ends. Never counted per client id alone, so failures from one address cannot lock a client out
   * at another. `[security] auth_rate_limit`, `FIDES__SECURITY__AUTH_RATE_LIMIT`, as `"<n>/<second|minute|hour|day>"`.
   * @default "10/minute"
   */
  readonly authRateLimit: RateLimit;
  /**
   * Failed client authentications allowed per client IP in a window, whatever client ids they name (spraying); past
   * it, every client authentication from that IP is 429 until the window ends. `[security] auth_ip_rate_limit`,
   * `FIDES__SECURITY__AUTH_IP_RATE_LIMIT`, same format.
   * @default "100/minute"
   */
  readonly authIpRateLimit: RateLimit;
  /**
   * Requests allowed per client IP in a window, on every path. `[security] request_rate_limit`,
   * `FIDES__SECURITY__REQUEST_RATE_LIMIT`, same format.
   * @default off
   */
  readonly requestRateLimit: RateLimit | null;
  /**
   * The reverse proxies in front of the server, whose `X-Forwarded-For` entries are believed: a list of addresses,
   * CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal`; or a number of proxy hops. The client IP is then
   * the right-most address not written by a trusted proxy (proxy-addr's rule); with none, the socket's address.
   * `[security] trusted_proxies` (a TOML list or integer), `FIDES__SECURITY__TRUSTED_PROXIES` (comma-separated, or a
   * number). The older `trust_forwarded_for = true` means `1`.
   * @default [] (X-Forwarded-For is ignored)
   */
  readonly trustedProxies: readonly string[] | number;
  /**
   * Origins allowed by CORS; empty turns CORS off. `[security] cors_origins` (a TOML list),
   * `FIDES__SECURITY__CORS_ORIGINS` (comma-separated).
   * @default []
   */
  readonly corsOrigins: readonly string[];
  /**
   * Whether GraphQL introspection (and so GraphiQL's schema explorer) is served.
   * `[security] graphql_introspection`, `FIDES__SECURITY__GRAPHQL_INTROSPECTION`.
   * @default true
   */
  readonly graphqlIntrospection: boolean;
  /** Which of the root credentials and encryption key were generated, and the file that holds them. */
  readonly generated: { readonly path: string; readonly keys: readonly string[] } | null;
}

export type DatabaseConfig =
  | {
      /** `postgresql://…`: a real PostgreSQL server. */
      readonly kind: 'postgresql';
      readonly url: string;
    }
  | {
      /** `pglite://memory`: embedded, in memory, gone at exit. */
      readonly kind: 'pglite-memory';
      readonly url: string;
    }
  | {
      /** `pglite://<path>`: embedded, on disk, one process at a time. */
      readonly kind: 'pglite-dir';
      readonly url: string;
      /** Absolute path of the embedded database folder. */
      readonly dir: string;
    };

export interface RateLimit {
  readonly points: number;
  readonly durationSeconds: number;
}

export interface LoggingConfig {
  /**
   * pino's level: fatal, error, warn, info, debug, trace or silent. `[logging] level`, `FIDES__LOGGING__LEVEL`,
   * `LOG_LEVEL`.
   * @default "info"
   */
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface RedisConfig {
  /**
   * `redis://…`: share rate-limit counters between processes. `[redis] url`, `FIDES__REDIS__URL`.
   * @default null (counters in memory, per process)
   */
  readonly url: string | null;
}

export interface WebserverConfig {
  /**
   * Listen address. `[webserver] host`, `FIDES__WEBSERVER__HOST`.
   * @default "0.0.0.0"
   */
  readonly host: string;
  /**
   * Listen port (0 picks a free one). `[webserver] port`, `FIDES__WEBSERVER__PORT`, `PORT`.
   * @default 8080
   */
  readonly port: number;
}
