// Writes the generated API descriptions: schema/schema.graphql (from the Pothos schema) and schema/openapi.json
// (from the REST routes). With --check, writes nothing and fails when a checked-in file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSortedSchema } from '../src/graphql/schema.js';
import { apiRoutes, buildOpenApi, REST_API_VERSION } from '../src/rest/index.js';

const outputs: [string, string][] = [
  ['schema.graphql', printSortedSchema()],
  ['openapi.json', `${JSON.stringify(buildOpenApi(apiRoutes, REST_API_VERSION), null, 2)}\n`],
];
const check = process.argv.includes('--check');
let drifted = false;
for (const [name, content] of outputs) {
  const path = fileURLToPath(new URL(`../schema/${name}`, import.meta.url));
  if (!check) {
    writeFileSync(path, content);
    console.log(`wrote schema/${name}`);
    continue;
  }
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // a missing file counts as drift
  }
  if (current !== content) {
    console.error(`schema/${name} is out of date: run \`npm run schema:emit\` and commit the result`);
    drifted = true;
  }
}
if (drifted) process.exit(1);
