// What the MikroORM CLI reads (`npm run db:orm -- <command>`, e.g. `migration:check`, `migration:list`): the
// configured database with our entities and migrations, built by src/db/orm.ts from the same configuration as the
// server. Nothing else lives here: the server, the scripts and the tests open the database through
// src/server/compose.ts.
import { loadConfig } from './src/config/index.js';
import { ormOptions } from './src/db/orm.js';

export default ormOptions(
  loadConfig({ env: process.env, cwd: process.cwd(), warn: (message) => console.warn(message) }).database,
);
