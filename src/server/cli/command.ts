// A command's declaration (its name, arguments, options and help) and the parsing every command shares.
import { parseArgs } from 'node:util';
import type { Config } from '../../config/index.js';
import type { Database } from '../../db/orm.js';
import { UsageError, type Output } from './output.js';
import type { Api } from './transport.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** May be given more than once (`--scope a --scope b`). */
  readonly multiple?: boolean;
  /** The value's name in the usage line (`--size N`). */
  readonly value?: string;
  readonly description: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** What a command runs with. */
export interface CommandContext {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  readonly out: Output;
  /** The configuration, as the server reads it (fides.toml, FIDES__* variables). */
  config(): Config;
  /** The REST API as the root client: in this process, or through the running server. Closed after the command. */
  api(): Promise<Api>;
  /** The database itself, for the few commands the API does not offer. Closed after the command. */
  database(purpose: string): Promise<Database>;
  /** Resolves when the user presses Ctrl-C (SIGINT) or the process is asked to stop (SIGTERM). */
  readonly interrupted: Promise<void>;
}

export interface Command {
  /** `clients create`. */
  readonly name: string;
  /** The positional arguments in the usage line, `<client_id>`. */
  readonly args?: string;
  /** How many positional arguments it takes. */
  readonly positionals?: { readonly min: number; readonly max: number };
  /** One line, for the command list. */
  readonly summary: string;
  /** More, for the command's own help. */
  readonly description?: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** How the usage line shows the options, when listing them one by one would mislead (alternatives). */
  readonly synopsis?: string;
  readonly examples: readonly string[];
  run(context: CommandContext): Promise<number>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: {
    type: 'boolean',
    description: 'Print the answer as JSON on stdout (the API’s body where there is one), for scripts.',
  },
  verbose: { type: 'boolean', short: 'v', description: 'Say on stderr which way the command reached the system.' },
  help: { type: 'boolean', short: 'h', description: 'Show this help.' },
};

export const PROGRAM = 'npm run cli --';

/** Parses a command's arguments; an unknown option, a missing value or a wrong count of arguments is a `UsageError`. */
export function parseCommandArgs(command: Command, args: string[]): { values: OptionValues; positionals: string[] } {
  const options = { ...command.options, ...COMMON_OPTIONS };
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [
          name,
          {
            type: spec.type,
            ...(spec.short ? { short: spec.short } : {}),
            ...(spec.multiple ? { multiple: true } : {}),
          },
        ]),
      ),
    }) as { values: OptionValues; positionals: string[] };
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  const count = parsed.positionals.length;
  if (count < min || count > max) {
    throw new UsageError(
      count > max
        ? `unexpected argument: ${parsed.positionals[max]}`
        : `missing argument: ${command.args ?? 'an argument'}`,
    );
  }
  return parsed;
}

/** A command's help: usage line, description, options, examples. */
export function commandHelp(command: Command): string {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const synopsis =
    command.synopsis ??
    Object.entries(command.options ?? {})
      .map(([name, spec]) => `[${flag(name, spec)}]${spec.multiple ? '...' : ''}`)
      .join(' ');
  const usage = [PROGRAM, command.name, command.args, synopsis, '[--json]'].filter(Boolean).join(' ');
  const rows = Object.entries(options).map(([name, spec]) => [
    spec.short ? `-${spec.short}, ${flag(name, spec)}` : `    ${flag(name, spec)}`,
    spec.description,
  ]);
  const width = Math.max(...rows.map(([left]) => left!.length));
  return [
    `Usage: ${usage}`,
    '',
    wrap(command.summary + (command.description ? `\n\n${command.description}` : '')),
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`),
    '',
    command.examples.length > 1 ? 'Examples:' : 'Example:',
    ...command.examples.map((example) => `  ${PROGRAM} ${example}`),
    '',
  ].join('\n');
}

/** Paragraphs folded at 116 columns, as the rest of the help is. */
function wrap(text: string, width = 116): string {
  return text
    .split('\n')
    .map((paragraph) => {
      const lines: string[] = [];
      let line = '';
      for (const word of paragraph.split(' ')) {
        if (line && line.length + 1 + word.length > width) {
          lines.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      return [...lines, line].join('\n');
    })
    .join('\n');
}

function flag(name: string, spec: OptionSpec): string {
  return spec.type === 'string' ? `--${name} ${spec.value ?? 'VALUE'}` : `--${name}`;
}

/** A whole number of at least `min` from a string option, or a `UsageError` naming the option. */
export function wholeNumber(values: OptionValues, name: string, min: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < min) {
    throw new UsageError(`--${name}: a whole number, ${min} or more`, false);
  }
  return value;
}
