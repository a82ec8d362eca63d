import type { EntityManager } from '@mikro-orm/core';
import { NO_TELEMETRY, type Telemetry } from '../core/index.js';
import { readClientState, type ClientState } from '../db/queries/client-state.js';
import { readTokenState, type TokenState, type TokenStateChange } from '../db/queries/token-state.js';

/**
 * What a verified token's validity and a client's authentication depend on now (the client's row: secret hash and
 * scopes; its revoke-all mark; the token's revocation), kept in memory so that neither needs a database round trip, while revocation,
 * deletion, narrowing and secret rotation still apply at once:
 *
 * - In this process, the use cases that change them (`revokeToken`, `updateClient`, `rotateClientSecret`,
 *   `revokeClientTokens`, `deleteClient`) call `tokenRevoked` / `clientChanged` after their commit and before they answer.
 * - Other processes' changes arrive as PostgreSQL notifications, sent by triggers in the same transaction as the
 *   change (so an operator's SQL counts too), and come in through `apply`.
 * - While those notifications cannot arrive (`setLive(false)`: before LISTEN succeeds, or while its connection is
 *   down), nothing is cached and every request reads the database, as it would without this cache.
 * - A read that started before an invalidation never stores its (possibly stale) answer: every invalidation moves
 *   an epoch, and an answer is stored only if the epoch has not moved since its query began.
 * - Entries are re-read after `ttlMs` at the latest: a bound on staleness should a notification ever be lost
 *   without the connection reporting it.
 */
export interface TokenStates {
  /**
   * `db.em` is touched only on a miss (a request's fork is made lazily, and a hit should not pay for one).
   */
  read(db: { readonly em: EntityManager }, clientId: string, jti: string): Promise<TokenState>;
  /**
   * What `read` would answer from memory, without a promise; undefined when it would have to query. Counts a hit,
   * not a miss: the `read` that follows a miss counts it, so each state wanted counts once.
   */
  peek(clientId: string, jti: string): TokenState | undefined;
  /** A client's state; cached and invalidated exactly like `read`. */
  readClient(db: { readonly em: EntityManager }, clientId: string): Promise<ClientState>;
  clientChanged(clientId: string): void;
  tokenRevoked(jti: string): void;
  /** A change made elsewhere, as the notification listener reports it. */
  apply(change: TokenStateChange): void;
  /** Whether changes made by other processes can reach this one; false empties the cache and bypasses it. */
  setLive(live: boolean): void;
}

interface Entry<T> {
  readonly value: T;
  readonly storedAt: number;
}

interface TokenStatesOptions {
  /** Initially; an embedded database (one process per data folder) is live from the start. */
  readonly live: boolean;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  /** Told of every lookup, hit or miss (a miss includes every read while not live). */
  readonly telemetry?: Telemetry;
}

export function createTokenStates(options: TokenStatesOptions): TokenStates {
  const ttlMs = options.ttlMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 50_000;
  const telemetry = options.telemetry ?? NO_TELEMETRY;
  let live = options.live;
  let epoch = 0;
  const clients = new Map<string, Entry<ClientState>>();
  const tokens = new Map<string, Entry<boolean>>();

  const fresh = <T>(entry: Entry<T> | undefined, now: number) =>
    entry && now - entry.storedAt < ttlMs ? entry : undefined;
  const store = <T>(map: Map<string, Entry<T>>, key: string, value: T, now: number) => {
    map.delete(key);
    map.set(key, { value, storedAt: now });
    if (map.size > maxEntries) map.delete(map.keys().next().value!);
  };
  const invalidate = (map: Map<string, unknown>, key: string) => {
    epoch += 1;
    map.delete(key);
  };
  const clear = () => {
    epoch += 1;
    clients.clear();
    tokens.clear();
  };

  const remembered = (clientId: string, jti: string): TokenState | undefined => {
    if (!live) return undefined;
    const now = Date.now();
    const revoked = fresh(tokens.get(jti), now);
    const client = fresh(clients.get(clientId), now);
    return revoked && client ? { client: client.value, revoked: revoked.value } : undefined;
  };

  return {
    peek(clientId, jti) {
      const cached = remembered(clientId, jti);
      if (cached) telemetry.cacheLookup('token_state', true);
      return cached;
    },
    async read(db, clientId, jti) {
      const cached = remembered(clientId, jti);
      telemetry.cacheLookup('token_state', cached !== undefined);
      if (cached) return cached;
      const started = epoch;
      const state = await readTokenState(db.em, clientId, jti);
      if (live && epoch === started) {
        const now = Date.now();
        store(tokens, jti, state.revoked, now);
        store(clients, clientId, state.client, now);
      }
      return state;
    },
    async readClient(db, clientId) {
      const cached = live ? fresh(clients.get(clientId), Date.now()) : undefined;
      telemetry.cacheLookup('token_state', cached !== undefined);
      if (cached) return cached.value;
      const started = epoch;
      const client = await readClientState(db.em, clientId);
      if (live && epoch === started) store(clients, clientId, client, Date.now());
      return client;
    },
    clientChanged: (clientId) => invalidate(clients, clientId),
    tokenRevoked: (jti) => invalidate(tokens, jti),
    apply(change) {
      if (change.kind === 'client') invalidate(clients, change.clientId);
      else if (change.kind === 'token') invalidate(tokens, change.jti);
      else clear();
    },
    setLive(value) {
      clear();
      live = value;
    },
  };
}
