import type { EntityManager } from '@mikro-orm/core';
import type { AuthCaches } from './caches.js';
import type { Logger } from './logger.js';
import type { AuthSettings } from './settings.js';
import type { AuthThrottle } from './throttle.js';
import type { KeyStore } from './tokens/index.js';

/** What every use case runs against: a request-scoped entity manager, the keys, the settings and the process's caches. */
export interface AuthEnv {
  /** A fork for this request only. */
  readonly em: EntityManager;
  readonly keys: KeyStore;
  readonly settings: AuthSettings;
  readonly throttle: AuthThrottle;
  readonly caches: AuthCaches;
  /** The caller's address, for throttling (from the socket, or X-Forwarded-For from trusted proxies). */
  readonly clientIp: string;
  /** This request's id, for the log lines the use cases write. */
  readonly requestId: string;
  readonly log: Logger;
}

/** The calling client, as established from a verified bearer token. */
export interface Principal {
  readonly clientId: string;
  readonly isRoot: boolean;
  /** Effective scopes: the token's scopes that the client still holds now, in the client's order. */
  readonly scopes: readonly string[];
  readonly expiresAt: Date;
  readonly jti: string;
}
