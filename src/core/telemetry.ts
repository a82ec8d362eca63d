/** How one client-credentials grant attempt ended (SPEC §9's `gatehouse_token_grants_total{result}`). */
export type GrantResult = 'issued' | 'invalid_client' | 'throttled' | 'invalid_scope';

/** The per-process caches on the hot paths, whose hit ratio an operator may want to watch. */
export type CacheName = 'verified_secret' | 'verified_token' | 'token_state';

/** Why the argon2 queue refused a verification at once: the address's share (429) or the whole queue (503) was full. */
export type Argon2Refusal = 'address_share_full' | 'queue_full';

/** Which failed-authentication allowance an attempt used up first: a (client id, address) pair, or an address. */
export type ThrottleLimit = 'pair' | 'address';

/** Why the token-state LISTEN connection was given up (and a new one started): it failed, or went quiet. */
export type ListenerLoss = 'failed' | 'stalled';

/**
 * What the domains tell the operators, without knowing how it is exposed: the server counts it for Prometheus
 * (src/server/metrics.ts); `NO_TELEMETRY` drops it (metrics disabled). Every method is synchronous and cheap, as they
 * are called on the hot paths, and none may throw.
 *
 * Only events live here. Levels (the argon2 queue's length, the database pool, the listener's state) are read by the
 * server when it is scraped, from the objects that hold them.
 */
export interface Telemetry {
  /** One grant attempt that reached the grant, whichever transport it came through. */
  grant(result: GrantResult): void;
  /**
   * A client authentication refused by the failed-authentication throttle (token endpoint, `issueToken`,
   * introspection, revocation); `lockout` names the allowance it was the first to exceed, null when already over.
   */
  authThrottled(lockout: ThrottleLimit | null): void;
  /** One lookup in a cache that spares work: a hit skips it, a miss pays it. */
  cacheLookup(cache: CacheName, hit: boolean): void;
  argon2Refused(reason: Argon2Refusal): void;
  /** The token-state LISTEN connection was lost or given up as stalled; a new one follows. */
  tokenStateListenerLost(reason: ListenerLoss): void;
}

/** Counts nothing. */
export const NO_TELEMETRY: Telemetry = Object.freeze({
  grant() {},
  authThrottled() {},
  cacheLookup() {},
  argon2Refused() {},
  tokenStateListenerLost() {},
});
