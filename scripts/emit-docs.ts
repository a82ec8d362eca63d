// Writes the README's configuration table from CONFIG_KEYS (src/config/keys.ts), between its config:begin and
// config:end markers. With --check, writes nothing and fails when the checked-in section differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withConfigTable } from '../src/config/index.js';

const path = fileURLToPath(new URL('../README.md', import.meta.url));
const current = readFileSync(path, 'utf8');
const generated = withConfigTable(current);
if (process.argv.includes('--check')) {
  if (generated !== current) {
    console.error("README.md's configuration table is out of date: run `npm run docs:emit` and commit the result");
    process.exit(1);
  }
} else if (generated !== current) {
  writeFileSync(path, generated);
  console.log("wrote README.md's configuration table");
}
