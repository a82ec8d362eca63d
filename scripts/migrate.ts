// `npm run db:migrate`: applies pending migrations to the configured database (the server also does at start).
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/server/compose.js';

const config = loadConfig({ env: process.env, cwd: process.cwd(), warn: (message) => console.warn(message) });
const db = await openDatabase(config);
await db.close();
console.log(db.applied.length > 0 ? `applied ${db.applied.join(', ')}` : 'nothing to apply');
