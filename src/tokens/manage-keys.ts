import type { Principal } from '../access/index.js';
import { auditContext } from '../audit/index.js';
import { RootOnlyError, UnauthenticatedError, ValidationError } from '../core/index.js';
import type { AuthEnv } from './env.js';
import { listSigningKeys, type RotationResult } from './keys.js';

/**
 * Default delay before a rotated-in key signs: running servers reload keys every minute and the JWKS is cached for
 * five, so ten minutes lets every server and resource server know the key before any token carries it.
 */
export const DEFAULT_ACTIVATE_IN_SECONDS = 600;
/** A key that signs only a year from now is a mistake, not a plan. */
const MAX_ACTIVATE_IN_SECONDS = 366 * 24 * 3600;

/** A signing key as the operator sees it: never its private half. */
export interface SigningKeyView {
  readonly kid: string;
  readonly activatesAt: Date;
  /** `signing`: signs new tokens now; `pending`: published, signs from `activatesAt`; `verifying`: superseded. */
  readonly state: 'signing' | 'pending' | 'verifying';
}

/** The stored signing keys, oldest first, with which one signs now. The root client only. */
export async function listKeys(env: AuthEnv, caller: Principal | null, now = new Date()): Promise<SigningKeyView[]> {
  requireRoot(caller);
  return describeKeys(await listSigningKeys(env.em), now);
}

/**
 * Rotates a new signing key in, published at once and signing `activateInSeconds` from now; this process reloads
 * its keys at once, others within a minute. The root client only.
 */
export async function rotateKeys(
  env: AuthEnv,
  caller: Principal | null,
  activateInSeconds: number,
): Promise<RotationResult> {
  const root = requireRoot(caller);
  if (!Number.isInteger(activateInSeconds) || activateInSeconds < 0 || activateInSeconds > MAX_ACTIVATE_IN_SECONDS) {
    throw new ValidationError([
      {
        loc: ['activate_in_seconds'],
        msg: `Input should be a whole number of seconds from 0 to ${MAX_ACTIVATE_IN_SECONDS}`,
        type: 'int_range',
      },
    ]);
  }
  return env.keys.rotate({
    activatesAt: new Date(Date.now() + activateInSeconds * 1000),
    tokenLifetimeSeconds: env.settings.tokens.lifetimeSeconds,
    audit: auditContext(env, root),
  });
}

export function describeKeys(keys: readonly { kid: string; activatesAt: Date }[], now = new Date()): SigningKeyView[] {
  const signing = keys.filter((key) => key.activatesAt <= now).at(-1)?.kid;
  return keys.map((key) => ({
    kid: key.kid,
    activatesAt: key.activatesAt,
    state: key.kid === signing ? 'signing' : key.activatesAt > now ? 'pending' : 'verifying',
  }));
}

/** Signing keys are the operator's: no scope grants them, so a delegated admin cannot swap the server's identity. */
function requireRoot(caller: Principal | null): Principal {
  if (!caller) throw new UnauthenticatedError();
  if (!caller.isRoot) throw new RootOnlyError();
  return caller;
}
