// The ORM as the tools see it (`npm run db:migrate`): the configured database, opened exactly as the server opens
// it (entities and migrations from src/db, the embedded folder's lock included), from the same configuration.
import { loadConfig, type Config } from './src/config/index.js';
import { createOrm, type Database } from './src/db/orm.js';

export async function openConfiguredDatabase(): Promise<{ config: Config; db: Database }> {
  const config = loadConfig({ env: process.env, cwd: process.cwd(), warn: (message) => console.warn(message) });
  return { config, db: await createOrm(config.database) };
}
