// What the CLI prints, and the failures it expects. stdout carries the answer only (JSON with --json), so scripts can
// parse it; everything else goes to stderr.

/** A command used wrongly (unknown option, missing argument, bad value): exit code 2, with the command's usage. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** Print the usage after the message. */
    readonly withUsage = true,
  ) {
    super(message);
  }
}

/** A failure the operator can act on: its message alone on stderr, exit code 1. Never holds a secret. */
export class CliError extends Error {
  override name = 'CliError';
}

/** The API refused: its error `detail`, as the API wrote it. */
export class ApiError extends CliError {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(describeDetail(status, body));
  }
}

/** A REST error body's `detail` as one line: a string as it is, a 422 list as `loc: msg` items. */
function describeDetail(status: number, body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((issue: { loc?: unknown[]; msg?: unknown }) => `${(issue.loc ?? []).join('.')}: ${String(issue.msg)}`)
      .join('; ');
  }
  return `the server answered ${status}`;
}

export interface Streams {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** How a command prints its answer: the API's JSON with `--json`, else lines for a person. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly streams: Streams,
  ) {}

  /** The answer: `value` as JSON with `--json`, else what `human` writes. */
  answer(value: unknown, human: () => string): void {
    this.streams.stdout(this.json ? `${JSON.stringify(value, null, 2)}\n` : human());
  }

  /** One line of JSON (for a stream of answers, as `audit tail --follow` writes), or a line for a person. */
  line(value: unknown, human: () => string): void {
    this.streams.stdout(this.json ? `${JSON.stringify(value)}\n` : human());
  }

  /** A remark for the person at the terminal: stderr, so stdout stays the answer. */
  note(text: string): void {
    this.streams.stderr(`${text}\n`);
  }
}

/** Rows as aligned columns under a header; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** An API instant (`…+00:00`) as JavaScript writes it (`…Z`): one form in human output. */
export function instant(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
