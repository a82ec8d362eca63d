// `npm run db:migrate`: applies pending migrations to the configured database (the server also does at start).
import { openConfiguredDatabase } from '../mikro-orm.config.js';
import { prepareSigningKeys } from '../src/auth/tokens/index.js';
import { migrate } from '../src/db/orm.js';

const { config, db } = await openConfiguredDatabase();
try {
  const pending = await db.orm.getMigrator().getPendingMigrations();
  await migrate(db, () => prepareSigningKeys(db.orm.em, config.security.appEncryptionKey));
  console.log(pending.length > 0 ? `applied ${pending.map((m) => m.name).join(', ')}` : 'nothing to apply');
} finally {
  await db.close();
}
