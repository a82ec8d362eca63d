// `npm run cli -- <command>`: the operator's commands. A second entry point beside main.ts; like it, it owns its
// process (signals, exit codes). The commands live in cli/, one module per group; they reach the system through its
// own REST API (cli/transport.ts), so they check, record and refuse exactly as the API does.
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import type { Logger } from '../core/index.js';
import { DataFolderLockedError } from '../db/lock-file.js';
import type { Database } from '../db/orm.js';
import { auditCommands } from './cli/audit.js';
import { clientCommands } from './cli/clients.js';
import { commandHelp, COMMON_OPTIONS, parseCommandArgs, PROGRAM, type Command } from './cli/command.js';
import { dbCommands } from './cli/db.js';
import { keyCommands } from './cli/keys.js';
import { CliError, Output, UsageError } from './cli/output.js';
import type { Api } from './cli/transport.js';

const COMMANDS: readonly Command[] = [...clientCommands, ...auditCommands, ...keyCommands, ...dbCommands];

const HELP = [
  `Usage: ${PROGRAM} <command> [options]`,
  '',
  'Operator commands for Gatehouse, as the root client from configuration (fides.toml, FIDES__* variables). They go',
  'through the server’s own REST API: in this process, or, when a running server holds the embedded database,',
  'through that server.',
  '',
  'Commands:',
  ...(() => {
    const width = Math.max(...COMMANDS.map((command) => command.name.length));
    return COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  })(),
  '',
  'Options of every command:',
  ...Object.entries(COMMON_OPTIONS).map(
    ([name, spec]) =>
      `  ${(spec.short ? `-${spec.short}, --${name}` : `    --${name}`).padEnd(13)}  ${spec.description}`,
  ),
  '',
  `Run \`${PROGRAM} <command> --help\` for a command’s options and an example.`,
  '',
].join('\n');

const stdout = (text: string) => void process.stdout.write(text);
const stderr = (text: string) => void process.stderr.write(text);

async function run(argv: string[]): Promise<number> {
  const asksHelp = argv.includes('--help') || argv.includes('-h');
  const command = COMMANDS.find((candidate) => {
    const words = candidate.name.split(' ');
    return words.every((word, index) => argv[index] === word);
  });
  if (!command) {
    if (argv.length === 0 || asksHelp) {
      stdout(HELP);
      return 0;
    }
    const words = argv.filter((arg) => !arg.startsWith('-')).slice(0, 2);
    stderr(`unknown command: ${words.join(' ') || argv.join(' ')}\n\n${HELP}`);
    return 2;
  }
  const args = argv.slice(command.name.split(' ').length);
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  if (options.includes('--help') || options.includes('-h')) {
    stdout(commandHelp(command));
    return 0;
  }

  let parsed: ReturnType<typeof parseCommandArgs>;
  try {
    parsed = parseCommandArgs(command, args);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(command, error);
    throw error;
  }
  const { values, positionals } = parsed;
  const verbose = values.verbose === true;
  let config: Config | undefined;
  const configured = () =>
    (config ??= loadConfig({ env: process.env, cwd: process.cwd(), warn: (message) => stderr(`${message}\n`) }));
  const opened: { close(): Promise<void> }[] = [];
  let api: Promise<Api> | undefined;
  let interrupted: Promise<void> | undefined;
  try {
    return await command.run({
      values,
      positionals,
      out: new Output(values.json === true, { stdout, stderr }),
      config: configured,
      api: () =>
        // Imported when first needed, as the database is: `--help` and usage errors answer at once.
        (api ??= import('./cli/transport.js')
          .then(({ connectApi }) => connectApi(configured(), { log: cliLogger(verbose) }))
          .then((connected) => {
            opened.push(connected);
            if (verbose) stderr(`via ${connected.via === 'in-process' ? 'the API in this process' : connected.via}\n`);
            return connected;
          })),
      database: (purpose) => openDatabaseDirectly(configured(), purpose, opened, verbose),
      // Installed only for a command that waits for it: elsewhere Ctrl-C keeps its default (stop at once).
      get interrupted() {
        return (interrupted ??= new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        }));
      },
    });
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(command, error);
    throw error;
  } finally {
    for (const part of opened.reverse()) await part.close();
  }
}

function usageFailure(command: Command, error: UsageError): number {
  stderr(`${command.name}: ${error.message}\n${error.withUsage ? `\n${commandHelp(command)}` : ''}`);
  return 2;
}

/**
 * The database itself, for what the API does not offer (revoking the root client's tokens, re-encrypting keys).
 * Migrated, but without the start-up's signing-key step: `keys reencrypt` must open keys the server cannot.
 */
async function openDatabaseDirectly(
  config: Config,
  purpose: string,
  opened: { close(): Promise<void> }[],
  verbose: boolean,
): Promise<Database> {
  const { createOrm, migrate } = await import('../db/orm.js');
  let db: Database;
  try {
    db = await createOrm(config.database);
  } catch (error) {
    if (!(error instanceof DataFolderLockedError)) throw error;
    throw new CliError(
      `${purpose} works on the database itself, not through the API, and ${error.message.replace(/; stop that.*$/, '')}: ` +
        'stop the server, run this command again, then start the server',
    );
  }
  opened.push(db);
  await migrate(db);
  if (verbose) stderr(`via the database (${config.database.kind})\n`);
  return db;
}

/** The in-process system's log: its warnings and errors on stderr with --verbose, else nothing. */
function cliLogger(verbose: boolean): Logger {
  const write = (level: string) => (fields: object, message: string) => {
    if (verbose) stderr(`${level}: ${message} ${JSON.stringify(fields)}\n`);
  };
  return { debug: () => {}, info: () => {}, warn: write('warn'), error: write('error') };
}

/** Failures the operator can act on: their message alone. Anything else is reported by kind only. */
const EXPECTED = new Set([
  'CliError',
  'ApiError',
  'ConfigError',
  'DataFolderLockedError',
  'KeyDecryptionError',
  'TargetNotEmptyError',
]);

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // By name: the modules that define most of these are loaded only when a command needs them.
    const name = error instanceof Error ? error.name : typeof error;
    stderr(
      error instanceof CliError || error instanceof ConfigError || EXPECTED.has(name)
        ? `${(error as Error).message}\n`
        : `failed: an unexpected error (${name})\n`,
    );
    process.exitCode = 1;
  },
);
