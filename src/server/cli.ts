// `npm run cli -- <command>`: operator commands against the configured database. A second entry point beside
// main.ts; like it, it owns its process (exit codes).
import { parseArgs } from 'node:util';
import { markTokensRevoked } from '../clients/index.js';
import { ConfigError, loadConfig, parseDatabaseUrl, type Config } from '../config/index.js';
import { copyDatabase, TargetNotEmptyError } from '../db/copy.js';
import { ClientSchema } from '../db/entities/index.js';
import { DataFolderLockedError } from '../db/lock-file.js';
import { createOrm, migrate, type Database } from '../db/orm.js';
import { KeyDecryptionError, listSigningKeys, rotateSigningKey } from '../tokens/index.js';
import { openDatabase } from './compose.js';

/** Default delay before a rotated-in key signs: running servers reload keys every minute and the JWKS is cached for
 * five, so ten minutes lets every server and resource server know the key before any token carries it. */
const DEFAULT_ACTIVATE_IN_SECONDS = 600;

const HELP = `Usage: npm run cli -- <command> [options]

Commands:
  clients revoke <client_id>     Revoke every token issued to that client so far, everywhere at once (the
                                 containment step after a leak); new grants work from the next second.
  clients revoke --root          The same for the root client, whose credentials live in configuration (the API
                                 cannot revoke them). Change oauth_root_client_secret too if it leaked.
  db copy --from URL --to URL    Copy everything (clients and their secret hashes, signing keys still encrypted,
        [--replace]              revocations, policies, rules, audit events) from one database to another: pglite://…
                                 or postgresql://… on either side. Both are migrated first; a target holding anything
                                 but the default policies is refused unless --replace. Stop the servers on both first.
  keys list                      List the signing keys: kid, when each starts signing, and which one signs now.
  keys rotate [--activate-in S]  Create a new signing key. It is published in the JWKS at once and signs from S
                                 seconds on (default ${DEFAULT_ACTIVATE_IN_SECONDS}). Older keys stay published until every token they signed
                                 has expired, then a later rotation removes them.
  keys rotate --now              Sign with the new key at once. Resource servers holding a cached JWKS may reject the
                                 new tokens until they refetch it; the old key still verifies what it signed.

Options:
  -h, --help                     Show this help.

The database and keys come from the same configuration as the server (fides.toml, FIDES__* variables). An embedded
database serves one process: stop the server first, or run this against PostgreSQL.
`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      now: { type: 'boolean' },
      'activate-in': { type: 'string' },
      root: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      replace: { type: 'boolean' },
    },
  });
  const [group, command] = positionals;
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP);
    return 0;
  }
  if (group === 'db' && command === 'copy') {
    if (!values.from || !values.to || positionals.length !== 2) {
      process.stderr.write(`db copy: give --from URL and --to URL\n\n${HELP}`);
      return 2;
    }
    return copyBetween(values.from, values.to, values.replace === true);
  }
  if (group === 'clients' && command === 'revoke') {
    const target = values.root ? null : positionals[2];
    if ((values.root && positionals.length !== 2) || (!values.root && positionals.length !== 3)) {
      process.stderr.write(`clients revoke: give one client id, or --root\n\n${HELP}`);
      return 2;
    }
    const config = configured();
    const db = await openDatabase(config);
    try {
      return await revokeTokens(db, target ?? config.security.oauthRootClientId, target === null);
    } finally {
      await db.close();
    }
  }
  if (group !== 'keys' || (command !== 'list' && command !== 'rotate') || positionals.length > 2) {
    process.stderr.write(`unknown command: ${positionals.join(' ')}\n\n${HELP}`);
    return 2;
  }
  let activateIn = DEFAULT_ACTIVATE_IN_SECONDS;
  if (values.now) activateIn = 0;
  else if (values['activate-in'] !== undefined) {
    activateIn = Number(values['activate-in']);
    if (!Number.isInteger(activateIn) || activateIn < 0) {
      process.stderr.write('--activate-in: a whole number of seconds, 0 or more\n');
      return 2;
    }
  }

  const config = configured();
  const db = await openDatabase(config);
  try {
    if (command === 'rotate') {
      const result = await rotateSigningKey(db.orm.em, config.security.appEncryptionKey, {
        activatesAt: new Date(Date.now() + activateIn * 1000),
        tokenLifetimeSeconds: Math.round(config.security.oauthAccessTokenExpireMinutes * 60),
      });
      process.stdout.write(
        `new signing key ${result.kid}: published now, signs from ${result.activatesAt.toISOString()}\n`,
      );
      for (const kid of result.removed) process.stdout.write(`removed expired key ${kid}\n`);
    }
    const keys = await listSigningKeys(db.orm.em);
    const now = Date.now();
    const signing = keys.filter((key) => key.activatesAt.getTime() <= now).at(-1)?.kid;
    for (const key of keys) {
      const state = key.kid === signing ? 'signing' : key.activatesAt.getTime() > now ? 'pending' : 'verifying';
      process.stdout.write(`${key.kid}  ${key.activatesAt.toISOString()}  ${state}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}

/** `db copy`: both databases migrated (the source too, so its rows have the shape the target expects), then copied. */
async function copyBetween(fromUrl: string, toUrl: string, replace: boolean): Promise<number> {
  const open = async (url: string, name: string) => {
    const database = parseDatabaseUrl({ value: url, source: name }, { cwd: process.cwd(), warn: () => {} });
    const db = await createOrm(database);
    try {
      await migrate(db);
      return db;
    } catch (error) {
      await db.close();
      throw error;
    }
  };
  const source = await open(fromUrl, '--from');
  try {
    const target = await open(toUrl, '--to');
    try {
      const result = await copyDatabase(source, target, { replace });
      for (const { table, rows } of result.tables) process.stdout.write(`${table}: ${rows} rows\n`);
      process.stdout.write('copied; point the server at the target (database.url) and start it\n');
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** The server's configuration (fides.toml, FIDES__* variables); its warnings go to stderr. */
function configured(): Config {
  return loadConfig({ env: process.env, cwd: process.cwd(), warn: (message) => process.stderr.write(`${message}\n`) });
}

/** Marks every token of the client revoked; the servers hear of it through the database (see token-states.ts). */
async function revokeTokens(db: Database, clientId: string, isRoot: boolean): Promise<number> {
  const em = db.orm.em.fork();
  if (!isRoot && !(await em.findOne(ClientSchema, { id: clientId }))) {
    process.stderr.write(`no client with id ${clientId}\n`);
    return 1;
  }
  const revokedAt = new Date();
  await markTokensRevoked(em, clientId, revokedAt);
  process.stdout.write(
    `${isRoot ? 'root client' : `client ${clientId}`}: every token issued up to ${revokedAt.toISOString()} is revoked\n`,
  );
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const expected =
      error instanceof ConfigError ||
      error instanceof DataFolderLockedError ||
      error instanceof KeyDecryptionError ||
      error instanceof TargetNotEmptyError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      expected ? `${(error as Error).message}\n` : 'failed: an unexpected error; nothing was changed\n',
    );
    process.exitCode = 1;
  },
);
