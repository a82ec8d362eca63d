import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from './logger.js';
import type { Telemetry } from './telemetry.js';

/** What every use case runs against, whatever its domain: the request's database session, its id, its caller's address and the log. */
export interface RequestEnv {
  /** A fork for this request only. */
  readonly em: EntityManager;
  /** The caller's address, for throttling (from the socket, or X-Forwarded-For from trusted proxies). */
  readonly clientIp: string;
  /** This request's id, for the log lines the use cases write. */
  readonly requestId: string;
  readonly log: Logger;
  /** Where the use cases report what the metrics count (grants, throttling); `NO_TELEMETRY` when they are off. */
  readonly telemetry: Telemetry;
}
