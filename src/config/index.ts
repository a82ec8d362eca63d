export { ConfigError } from './errors.js';
export { CONFIG_KEYS, envNames, fidesName, type ConfigKey, type KeyName, type TomlValue } from './keys.js';
export { loadConfig } from './load.js';
export { databaseUrl as parseDatabaseUrl } from './parsers.js';
export { renderConfigTable, withConfigTable } from './readme-table.js';
export type {
  Config,
  DatabaseConfig,
  AuditConfig,
  LoggingConfig,
  MetricsConfig,
  RateLimit,
  RedisConfig,
  SecurityConfig,
  WebserverConfig,
} from './types.js';
