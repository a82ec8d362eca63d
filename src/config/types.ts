/**
 * The server's configuration, checked once at start and frozen.
 *
 * Sources, lowest to highest priority: defaults < TOML config file < environment. Each field comes from the key of
 * the same name in snake_case (`security.oauthIssuer` is `[security] oauth_issuer`); that key's entry in
 * `CONFIG_KEYS` (keys.ts) is the one place for its environment names, default and documentation, and the README's
 * configuration table is generated from it. The notes below say what code receives.
 */
export interface Config {
  readonly security: SecurityConfig;
  /** From `[database] url`. */
  readonly database: DatabaseConfig;
  readonly webserver: WebserverConfig;
  readonly redis: RedisConfig;
  readonly logging: LoggingConfig;
  readonly metrics: MetricsConfig;
  readonly audit: AuditConfig;
  /** Where the config file was read from, or `null` when none was found. */
  readonly configPath: string | null;
}

export interface SecurityConfig {
  /** The root client's id; it holds every scope. Configured, or generated and kept in the data folder. */
  readonly oauthRootClientId: string;
  /** The root client's secret: compare it in constant time and never log it. Configured, or generated. */
  readonly oauthRootClientSecret: string;
  /** Access-token lifetime in minutes; may be a fraction, and is at least one second. */
  readonly oauthAccessTokenExpireMinutes: number;
  /** Exactly 32 ASCII characters: the AES-256-GCM key of the private signing keys at rest. Configured, or generated. */
  readonly appEncryptionKey: string;
  /** `iss` of every token and of the metadata document, pinned on verification; an http(s) URL (RFC 8414). */
  readonly oauthIssuer: string;
  /** `aud` of every token, pinned on verification. */
  readonly oauthAudience: string;
  /**
   * Failed client authentications allowed per (client id, client IP) pair in a window, at the token endpoint,
   * `issueToken`, introspection and revocation; past it, every attempt from that pair, right secret or wrong, is 429
   * until the window ends. Never counted per client id alone, so failures from one address cannot lock a client out
   * at another.
   */
  readonly authRateLimit: RateLimit;
  /**
   * Failed client authentications allowed per client IP in a window, whatever client ids they name (spraying); past
   * it, every client authentication from that IP is 429 until the window ends.
   */
  readonly authIpRateLimit: RateLimit;
  /** Requests allowed per client IP in a window, on every path; `null` is no limit. */
  readonly requestRateLimit: RateLimit | null;
  /**
   * The reverse proxies whose `X-Forwarded-For` entries are believed, as proxy-addr takes them: a list of addresses,
   * CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal`, or a number of proxy hops. The client IP is
   * then the right-most address not written by a trusted proxy; with none (`[]`), the socket's address. The older
   * `trust_forwarded_for = true` arrives here as `1`.
   */
  readonly trustedProxies: readonly string[] | number;
  /** Origins allowed by CORS; empty turns CORS off. */
  readonly corsOrigins: readonly string[];
  /** Whether GraphQL introspection (and so GraphiQL's schema explorer) is served. */
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

export interface AuditConfig {
  /** Days an audit event is kept. */
  readonly retentionDays: number;
}

export interface MetricsConfig {
  /** Whether `GET /metrics` is served. */
  readonly enabled: boolean;
}

export interface LoggingConfig {
  /** pino's level. */
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface RedisConfig {
  /** `redis://…` or `rediss://…` to share rate-limit counters between processes; `null` keeps them in memory. */
  readonly url: string | null;
}

export interface WebserverConfig {
  /** Listen address. */
  readonly host: string;
  /** Listen port; 0 picks a free one. */
  readonly port: number;
  /**
   * Seconds between a stop signal and the listener closing, during which `/health/ready` answers 503 and every
   * answer closes its connection: a balancer checking readiness takes the process out before it stops accepting.
   * @default 0
   */
  readonly shutdownDrainSeconds: number;
}
