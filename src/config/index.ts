export { ConfigError } from './errors.js';
export { loadConfig } from './load.js';
export type { Config, DatabaseConfig, LoggingConfig, RateLimit, RedisConfig, SecurityConfig, WebserverConfig } from './types.js';
