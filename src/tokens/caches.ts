import type { Telemetry } from '../core/index.js';
import { createTokenStates, type TokenStates } from './token-states.js';
import { createVerifiedTokens, type VerifiedTokens } from './verified-tokens.js';

/** The per-process token caches on the hot paths: one set per process, shared by every request. */
export interface TokenCaches {
  readonly verifiedTokens: VerifiedTokens;
  readonly tokenStates: TokenStates;
}

/**
 * `sharedDatabase`: other processes may write to the same database (PostgreSQL). Token state is then cached only
 * while their changes are heard (`tokenStates.setLive`); an embedded database has one process, so it is live at once.
 * `telemetry` hears the token-state lookups (verified tokens are counted where they are looked up, with the key check).
 */
export function createTokenCaches(options: { sharedDatabase: boolean; telemetry?: Telemetry }): TokenCaches {
  return {
    verifiedTokens: createVerifiedTokens(),
    tokenStates: createTokenStates({ live: !options.sharedDatabase, telemetry: options.telemetry }),
  };
}
