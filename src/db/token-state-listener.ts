import pg from 'pg';
import type { TokenStateChange } from './queries/token-state.js';

/** The channel the token-state triggers notify on; the payload is `client:<id>`, `jti:<jti>` or `all`. */
const TOKEN_STATE_CHANNEL = 'gatehouse_token_state';

interface TokenStateListenerHandlers {
  change(change: TokenStateChange): void;
  /** true once LISTEN is in place; false as soon as the connection is lost (then it reconnects, with backoff). */
  live(live: boolean): void;
  /** Why the connection failed, for the log: never a secret (the URL is not included). */
  error(error: Error): void;
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

const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * Listens for the token-state triggers' notifications on a dedicated PostgreSQL connection (a pooled one would be
 * handed to other queries). Reconnects on its own after any failure, doubling the wait up to 5 s.
 */
export function listenForTokenStateChanges(url: string, handlers: TokenStateListenerHandlers): TokenStateListener {
  let closed = false;
  let client: pg.Client | undefined;
  let retryMs = MIN_RETRY_MS;
  let retry: NodeJS.Timeout | undefined;

  const lost = (connection: pg.Client, error?: Error) => {
    if (client !== connection) return;
    client = undefined;
    handlers.live(false);
    if (error) handlers.error(error);
    connection.removeAllListeners();
    // An error after a failed connect is already reported; this only stops an unhandled 'error' event.
    connection.on('error', () => {});
    void connection.end().catch(() => {});
    if (!closed) {
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
    connection.on('notification', (message) => {
      if (message.channel === TOKEN_STATE_CHANNEL) handlers.change(parseTokenStateChange(message.payload));
    });
    connection.on('error', (error) => lost(connection, error));
    connection.on('end', () => lost(connection));
    connection
      .connect()
      .then(() => connection.query(`listen ${TOKEN_STATE_CHANNEL}`))
      .then(() => {
        if (client !== connection) return;
        retryMs = MIN_RETRY_MS;
        handlers.live(true);
      })
      .catch((error: Error) => lost(connection, error));
  };

  connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const connection = client;
      client = undefined;
      if (connection) {
        connection.removeAllListeners();
        connection.on('error', () => {});
        await connection.end().catch(() => {});
      }
    },
  };
}
