/** A configuration value that stops the start; the message names the key and what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
