import { createArgon2Queue, type Argon2Bounds, type Argon2Queue } from './secrets.js';
import { createTokenStates, type TokenStates } from './token-states.js';
import { createVerifiedSecrets, type VerifiedSecrets } from './verified-secrets.js';
import { createVerifiedTokens, type VerifiedTokens } from './verified-tokens.js';

/** The per-process state on the hot paths: one set per process, shared by every request. */
export interface AuthCaches {
  readonly argon2: Argon2Queue;
  readonly verifiedSecrets: VerifiedSecrets;
  readonly verifiedTokens: VerifiedTokens;
  readonly tokenStates: TokenStates;
}

/**
 * `sharedDatabase`: other processes may write to the same database (PostgreSQL). Token state is then cached only
 * while their changes are heard (`tokenStates.setLive`); an embedded database has one process, so it is live at once.
 */
export function createAuthCaches(options: { sharedDatabase: boolean; argon2?: Argon2Bounds }): AuthCaches {
  return {
    argon2: createArgon2Queue(options.argon2),
    verifiedSecrets: createVerifiedSecrets(),
    verifiedTokens: createVerifiedTokens(),
    tokenStates: createTokenStates({ live: !options.sharedDatabase }),
  };
}
