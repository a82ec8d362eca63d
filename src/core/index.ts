export { databaseUnavailable, isDatabaseUnavailable } from './availability.js';
export * from './errors.js';
export { safeErrorFields, type Logger } from './logger.js';
export {
  DEFAULT_PAGE_SIZE,
  findPage,
  MAX_PAGE_SIZE,
  type Page,
  type PageQuery,
  type PageRequest,
} from './pagination.js';
export type { RequestEnv } from './request-env.js';
export {
  NO_TELEMETRY,
  type Argon2Refusal,
  type CacheName,
  type GrantResult,
  type ListenerLoss,
  type Telemetry,
  type ThrottleLimit,
} from './telemetry.js';
export { forLog, hasNulCharacter, isBlank, isNestedDeeperThan } from './text.js';
