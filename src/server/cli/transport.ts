// How the CLI reaches the system: through its own REST API, so every command gets the API's validation,
// least-privilege checks, audit events and error bodies. In this process when the database can be opened (always on
// PostgreSQL); over HTTP through the running server when it holds the embedded data folder.
import type { Config } from '../../config/index.js';
import type { Logger } from '../../core/index.js';
import { DataFolderLockedError, lockHolderUrl } from '../../db/lock-file.js';
import { embeddedLockFile } from '../../db/orm.js';
import { composeSystem, type System } from '../compose.js';
import { reachableUrl } from '../reachable-url.js';
import { ApiError, CliError } from './output.js';

/** The REST API, called as the root client from configuration. */
export interface Api {
  /** `in-process`, or the running server's URL. */
  readonly via: string;
  /** Calls a route; a 4xx or 5xx answer throws `ApiError` with the API's detail. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** Sends one request to the app, wherever it runs. */
type Send = (path: string, init: RequestInit) => Promise<Response>;

/** The base of the URLs handed to the in-process app: never dialled. */
const IN_PROCESS_BASE = 'http://cli.local';

export async function connectApi(config: Config, options: { log: Logger }): Promise<Api> {
  let system: System;
  try {
    system = await composeSystem(config, { log: options.log });
  } catch (error) {
    if (!(error instanceof DataFolderLockedError)) throw error;
    return overHttp(config, error);
  }
  const send: Send = (path, init) => Promise.resolve(system.app.fetch(new URL(path, IN_PROCESS_BASE), init));
  return rootApi('in-process', send, config, () => system.close());
}

/** The server holding the folder recorded its URL in the lock file; an older one did not: then the configured one. */
function overHttp(config: Config, locked: DataFolderLockedError): Api {
  const lockFile = embeddedLockFile(config.database);
  const base = (lockFile && lockHolderUrl(lockFile)) ?? reachableUrl(config.webserver.host, config.webserver.port);
  const send: Send = async (path, init) => {
    try {
      return await fetch(new URL(path, base), { ...init, signal: AbortSignal.timeout(30_000) });
    } catch {
      throw new CliError(
        `${locked.message}; no server answers at ${base} to go through instead: start the server, or stop the ` +
          'process holding the folder',
      );
    }
  };
  return rootApi(base, send, config, async () => {});
}

/** Gets a root token from the token endpoint once, then sends it with every call. */
function rootApi(via: string, send: Send, config: Config, close: () => Promise<void>): Api {
  let token: Promise<string> | undefined;
  const rootToken = async () => {
    const answer = await send('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: config.security.oauthRootClientId,
        client_secret: config.security.oauthRootClientSecret,
      }),
    });
    const body = await readBody(answer);
    if (!answer.ok) {
      const refused = new ApiError(answer.status, body);
      throw new CliError(
        `the root credentials from configuration were refused (${refused.message}): the CLI needs the ` +
          'oauth_root_client_id and oauth_root_client_secret the server uses',
      );
    }
    return (body as { access_token: string }).access_token;
  };
  return {
    via,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = {
        Authorization: `Bearer ${await (token ??= rootToken())}`,
        Accept: 'application/json',
      };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const answer = await send(path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const parsed = await readBody(answer);
      if (!answer.ok) throw new ApiError(answer.status, parsed);
      return parsed as T;
    },
    close,
  };
}

async function readBody(answer: Response): Promise<unknown> {
  const text = await answer.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
