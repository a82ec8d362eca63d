import type { AuthThrottle } from '../access/index.js';
import type { ClientsEnv } from '../clients/index.js';
import type { TokenCaches } from './caches.js';
import type { KeyStore } from './keys.js';
import type { AuthSettings } from './settings.js';

/** The whole environment of a request that authenticates or manages clients and tokens, as the transports build it. */
export interface AuthEnv extends ClientsEnv {
  readonly keys: KeyStore;
  readonly settings: AuthSettings;
  readonly throttle: AuthThrottle;
  readonly caches: TokenCaches;
}
