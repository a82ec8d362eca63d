export { ConfigError } from './errors.js';
export { dataFolder, loadConfig } from './load.js';
export type { Config, SecurityConfig, DatabaseConfig, WebserverConfig } from './types.js';
