import { createAuthCaches, safeErrorFields, type AuthCaches, type Logger } from '../auth/index.js';
import type { DatabaseConfig } from '../config/index.js';
import { listenForTokenStateChanges, type TokenStateListenerOptions } from '../db/token-state-listener.js';

export interface RunningAuthCaches {
  readonly caches: AuthCaches;
  close(): Promise<void>;
}

export interface AuthCachesOptions extends TokenStateListenerOptions {
  /** Where the listener connects, if not the database URL itself (a test puts a proxy it can pause in between). */
  readonly listenUrl?: string;
}

/**
 * The process's caches, and on PostgreSQL the listener that keeps token state in step with other processes. While
 * the listener is down or stalled, token state is read from the database on every request; the log says so once
 * per outage.
 */
export function startAuthCaches(database: DatabaseConfig, log: Logger, options: AuthCachesOptions = {}): RunningAuthCaches {
  const shared = database.kind === 'postgresql';
  const caches = createAuthCaches({ sharedDatabase: shared });
  if (!shared) return { caches, close: async () => {} };

  let wasLive = false;
  let reported = false;
  const listener = listenForTokenStateChanges(options.listenUrl ?? database.url, {
    change: (change) => caches.tokenStates.apply(change),
    live(live) {
      caches.tokenStates.setLive(live);
      if (live && reported) log.info({}, 'token-state notifications are back: caching token state again');
      if (!live && wasLive) log.warn({}, 'token-state notifications lost: reading token state from the database until they are back');
      if (live) reported = false;
      wasLive = live;
    },
    error(error) {
      if (reported) return;
      reported = true;
      log.warn(safeErrorFields(error), 'cannot listen for token-state notifications: reading token state from the database');
    },
  }, options);
  return { caches, close: () => listener.close() };
}
