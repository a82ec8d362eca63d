import { createClientSecrets, type ClientSecrets } from '../clients/index.js';
import { NO_TELEMETRY, safeErrorFields, type Logger, type Telemetry } from '../core/index.js';
import type { DatabaseConfig } from '../config/index.js';
import { listenForTokenStateChanges, type TokenStateListenerOptions } from '../db/token-state-listener.js';
import { createTokenCaches, type TokenCaches } from '../tokens/index.js';

/** What one server process keeps in memory for every request: secret work, token caches, and how a change reaches them. */
export interface ProcessState {
  readonly secrets: ClientSecrets;
  readonly caches: TokenCaches;
  /** The one thing a client write tells this process after its commit (see `ClientsEnv.clientChanged`). */
  readonly clientChanged: (clientId: string) => void;
  /**
   * On PostgreSQL, whether the token-state LISTEN connection is live now (it has heard its own heartbeat and not
   * lost it since); null on an embedded database, which has no such connection.
   */
  readonly tokenStateListenerLive: (() => boolean) | null;
  close(): Promise<void>;
}

export interface ProcessStateOptions extends TokenStateListenerOptions {
  /** Where the listener connects, if not the database URL itself (a test puts a proxy it can pause in between). */
  readonly listenUrl?: string;
  /** Told of cache lookups, argon2 refusals and lost LISTEN connections. */
  readonly telemetry?: Telemetry;
  /**
   * Called when another process (or the CLI) rotated the signing keys, and when the listener comes back after an
   * outage (a rotation may have been missed): the key store reloads, so the new key is published at once.
   */
  readonly signingKeysChanged?: () => void;
}

/**
 * The process's caches, and on PostgreSQL the listener that keeps token state in step with other processes. While
 * the listener is down or stalled, token state is read from the database on every request; the log says so once
 * per outage.
 */
export function startProcessState(
  database: DatabaseConfig,
  log: Logger,
  options: ProcessStateOptions = {},
): ProcessState {
  const shared = database.kind === 'postgresql';
  const telemetry = options.telemetry ?? NO_TELEMETRY;
  const secrets = createClientSecrets({ telemetry });
  const caches = createTokenCaches({ sharedDatabase: shared, telemetry });
  const clientChanged = (clientId: string) => {
    caches.tokenStates.clientChanged(clientId);
    secrets.forget(clientId);
  };
  const state = { secrets, caches, clientChanged };
  if (!shared) return { ...state, tokenStateListenerLive: null, close: async () => {} };

  let wasLive = false;
  let everLive = false;
  let reported = false;
  const listener = listenForTokenStateChanges(
    options.listenUrl ?? database.url,
    {
      change: (change) => caches.tokenStates.apply(change),
      live(live) {
        caches.tokenStates.setLive(live);
        if (live && reported) log.info({}, 'token-state notifications are back: caching token state again');
        // Back after an outage: a rotation may have gone unheard. (At start the keys were loaded just before.)
        if (live && !wasLive && everLive) options.signingKeysChanged?.();
        if (live) everLive = true;
        if (!live && wasLive)
          log.warn({}, 'token-state notifications lost: reading token state from the database until they are back');
        if (live) reported = false;
        wasLive = live;
      },
      error(error) {
        if (reported) return;
        reported = true;
        log.warn(
          safeErrorFields(error),
          'cannot listen for token-state notifications: reading token state from the database',
        );
      },
      reconnecting: (reason) => telemetry.tokenStateListenerLost(reason),
      signingKeysChanged: options.signingKeysChanged,
    },
    options,
  );
  return { ...state, tokenStateListenerLive: () => wasLive, close: () => listener.close() };
}
