// `npm run db:migrate`: applies pending migrations to the configured database (the server also does at start).
import { ensureSigningKey } from '../src/auth/tokens/index.js';
import { loadConfig } from '../src/config/index.js';
import { createOrm, migrate } from '../src/db/orm.js';

const config = loadConfig({ env: process.env, cwd: process.cwd(), warn: (message) => console.warn(message) });
const db = await createOrm(config.database);
try {
  const pending = await db.orm.getMigrator().getPendingMigrations();
  await migrate(db, () => ensureSigningKey(db.orm.em, config.security.appEncryptionKey));
  console.log(pending.length > 0 ? `applied ${pending.map((m) => m.name).join(', ')}` : 'nothing to apply');
} finally {
  await db.close();
}
