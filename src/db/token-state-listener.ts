import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { TokenStateChange } from './queries/token-state.js';

/** The channel the token-state triggers notify on; the payload is `client:<id>`, `jti:<jti>` or `all`. */
const TOKEN_STATE_CHANNEL = 'gatehouse_token_state';
/**
 * Where each listener sends itself a heartbeat. A channel of its own, so that processes that know nothing of
 * heartbeats (an older version, during a rolling upgrade) never mistake one for a change.
 */
const HEARTBEAT_CHANNEL = 'gatehouse_heartbeat';
/** The signing-key trigger's channel (Migration20261201060000): a key was rotated in or removed. */
const SIGNING_KEYS_CHANNEL = 'gatehouse_signing_keys';

interface TokenStateListenerHandlers {
  change(change: TokenStateChange): void;
  /**
   * true once LISTEN is in place and the listener has heard its own first heartbeat; false as soon as the
   * connection is lost or goes quiet (then it reconnects, with backoff).
   */
  live(live: boolean): void;
  /** Why the connection failed, for the log: never a secret (the URL is not included). */
  error(error: Error): void;
  /**
   * A connection was given up, because it failed (or could not be made) or went quiet, and a new one will be tried:
   * for the metrics. Not called when the listener is closed.
   */
  reconnecting?(reason: 'failed' | 'stalled'): void;
  /** The signing keys changed (a rotation committed somewhere): reload them. */
  signingKeysChanged?(): void;
}

export interface TokenStateListenerOptions {
  /** How often the listener sends itself a heartbeat. */
  readonly heartbeatMs?: number;
  /** How long without hearing its heartbeat before the connection is taken for stalled. */
  readonly stalledAfterMs?: number;
}

export interface TokenStateListener {
  close(): Promise<void>;
}

/** Decodes a trigger's payload; anything unexpected empties the whole cache, which is always safe. */
function parseTokenStateChange(payload: string | undefined): TokenStateChange {
  if (payload?.startsWith('client:')) return { kind: 'client', clientId: payload.slice('client:'.length) };
  if (payload?.startsWith('jti:')) return { kind: 'token', jti: payload.slice('jti:'.length) };
  return { kind: 'all' };
}

/**
 * Ends a connection, and destroys its socket if the goodbye is not answered soon: through a stalled proxy it
 * never would be, and the socket would stay open for good.
 */
function release(connection: pg.Client): Promise<void> {
  const socket = (connection as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  const timer = setTimeout(() => socket?.destroy(), 1_000);
  timer.unref();
  return connection
    .end()
    .catch(() => {})
    .finally(() => clearTimeout(timer));
}

const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * Listens for the token-state triggers' notifications on a dedicated PostgreSQL connection (a pooled one would be
 * handed to other queries). Reconnects on its own after any failure, doubling the wait up to 5 s.
 *
 * A connection can also stall without failing (a proxy that keeps the socket open and stops forwarding): no error,
 * no notifications, and a process that keeps trusting its cache. So the listener sends itself a NOTIFY every
 * `heartbeatMs` through the same connection, and when it has not heard one for `stalledAfterMs` it reports the
 * connection lost (the cache is then bypassed) and starts a new one.
 */
export function listenForTokenStateChanges(
  url: string,
  handlers: TokenStateListenerHandlers,
  options: TokenStateListenerOptions = {},
): TokenStateListener {
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  const stalledAfterMs = options.stalledAfterMs ?? 3_000;
  let closed = false;
  let client: pg.Client | undefined;
  let retryMs = MIN_RETRY_MS;
  let retry: NodeJS.Timeout | undefined;
  let beat: NodeJS.Timeout | undefined;

  const lost = (connection: pg.Client, error?: Error, reason: 'failed' | 'stalled' = 'failed') => {
    if (client !== connection) return;
    client = undefined;
    clearInterval(beat);
    handlers.live(false);
    if (error) handlers.error(error);
    connection.removeAllListeners();
    // An error after a failed connect is already reported; this only stops an unhandled 'error' event.
    connection.on('error', () => {});
    release(connection);
    if (!closed) {
      handlers.reconnecting?.(reason);
      retry = setTimeout(connect, retryMs);
      retry.unref();
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  };

  const connect = () => {
    // TCP keepalive from 10 s of silence, so a connection that died without a word is noticed (and the cache
    // bypassed) in seconds, not after the kernel's default two hours.
    const connection = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 3_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client = connection;
    const nonce = randomUUID();
    let heardAt = performance.now();
    let live = false;
    let sending = false;
    const sendHeartbeat = () => {
      if (performance.now() - heardAt > stalledAfterMs) {
        lost(
          connection,
          new Error(`no heartbeat heard for ${stalledAfterMs} ms: the connection is stalled`),
          'stalled',
        );
        return;
      }
      // One at a time: behind a stall they would only queue up on the connection.
      if (sending) return;
      sending = true;
      connection
        .query('select pg_notify($1, $2)', [HEARTBEAT_CHANNEL, nonce])
        .then(() => {
          sending = false;
        })
        .catch((error: Error) => lost(connection, error));
    };
    connection.on('notification', (message) => {
      if (message.channel === TOKEN_STATE_CHANNEL) handlers.change(parseTokenStateChange(message.payload));
      else if (message.channel === SIGNING_KEYS_CHANNEL) handlers.signingKeysChanged?.();
      else if (message.channel === HEARTBEAT_CHANNEL && message.payload === nonce) {
        heardAt = performance.now();
        if (!live && client === connection) {
          live = true;
          retryMs = MIN_RETRY_MS;
          handlers.live(true);
        }
      }
    });
    connection.on('error', (error) => lost(connection, error));
    connection.on('end', () => lost(connection));
    connection
      .connect()
      .then(() =>
        connection.query(`listen ${TOKEN_STATE_CHANNEL}; listen ${HEARTBEAT_CHANNEL}; listen ${SIGNING_KEYS_CHANNEL}`),
      )
      .then(() => {
        if (client !== connection) return;
        // Live from the first heartbeat heard, which proves notifications reach this connection.
        heardAt = performance.now();
        sendHeartbeat();
        beat = setInterval(sendHeartbeat, heartbeatMs);
        beat.unref();
      })
      .catch((error: Error) => lost(connection, error));
  };

  connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(beat);
      const connection = client;
      client = undefined;
      if (connection) {
        connection.removeAllListeners();
        connection.on('error', () => {});
        await release(connection);
      }
    },
  };
}
