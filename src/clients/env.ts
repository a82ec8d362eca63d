import type { AccessRegistries } from '../access/index.js';
import type { RequestEnv } from '../core/index.js';
import type { ClientSecrets } from './client-secrets.js';

/** What the client use cases need besides the request: the registries, argon2, and who to tell of a change. */
export interface ClientsEnv extends RequestEnv {
  readonly settings: AccessRegistries;
  readonly secrets: ClientSecrets;
  /**
   * Called once after every committed change to a client (its row or its revoke-all mark), before the use case
   * answers, so nothing this process remembers of it (its row, its verified secret) outlives the change. Wired by
   * the composition root to the process's caches; other processes hear the database trigger.
   */
  readonly clientChanged: (clientId: string) => void;
}
