// Writes schema/schema.graphql from the Pothos schema; with --check, fails when the checked-in file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSortedSchema } from '../src/graphql/schema.js';

const path = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
const sdl = printSortedSchema();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // missing counts as drift
  }
  if (current !== sdl) {
    console.error('schema/schema.graphql is out of date: run `npm run schema:emit` and commit the result');
    process.exit(1);
  }
  console.log('schema/schema.graphql is up to date');
} else {
  writeFileSync(path, sdl);
  console.log(`wrote ${path}`);
}
