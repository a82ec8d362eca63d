import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = `${ROOT_DIR}src/server/main.ts`;
/** `node --import tsx`, as `npm start` runs it, but resolved from the project: the server's cwd is elsewhere. */
const TSX_LOADER = pathToFileURL(`${ROOT_DIR}node_modules/tsx/dist/loader.mjs`).href;

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far (pino's JSON lines). */
  output(): string;
  /** Resolves with the port once the server logs that it listens, or rejects with the output if it exits first. */
  listening: Promise<number>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Runs the server as `npm start` does (node with the tsx loader), as its own process, in `cwd`, with only the given
 * environment (plus PATH). `viaNpm`: through `npm start` itself, whose working directory is the project (so the
 * environment must name the database and config file by absolute path).
 */
export function startServerProcess(
  cwd: string,
  env: Record<string, string> = {},
  options: { viaNpm?: boolean } = {},
): ServerProcess {
  const [command, args] = options.viaNpm
    ? ['npm', ['start', '--silent']]
    : [process.execPath, ['--import', TSX_LOADER, MAIN]];
  const child = spawn(command, args, {
    cwd: options.viaNpm ? ROOT_DIR : cwd,
    env: {
      PATH: process.env.PATH ?? '',
      ...(options.viaNpm ? { HOME: cwd } : {}),
      PORT: '0',
      FIDES__WEBSERVER__HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    const check = () => {
      const match = /"port":(\d+),"msg":"listening on/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  // A process expected to refuse to start never listens: that is for the test to check, not an unhandled rejection.
  listening.catch(() => {});
  return { child, output: () => output, listening, exited };
}
