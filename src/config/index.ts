export { ConfigError } from './errors.js';
export { loadConfig } from './load.js';
export type { Config, SecurityConfig, DatabaseConfig, WebserverConfig } from './types.js';
