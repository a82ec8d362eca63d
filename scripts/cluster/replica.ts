import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * One Gatehouse process of the cluster, always on the same port (the balancer's configuration names it), so it can
 * be stopped, killed and started again in place.
 */
export interface Replica {
  readonly name: string;
  readonly port: number;
  /** Its own URL, bypassing the balancer. */
  readonly url: string;
  /** Whether a process is running now. */
  running(): boolean;
  /** The running process's id, for `ps` and for signals of one's own. */
  pid(): number | undefined;
  /** Everything its processes printed (pino's JSON lines), across restarts; also in `<dir>/<name>.log`. */
  output(): string;
  /** Starts a process and resolves once it listens (rejects with its output if it exits first). */
  start(): Promise<void>;
  /** SIGTERM (drain, finish in flight, exit) and wait for the exit; `skipDrain` sends a second one at once. */
  stop(options?: { skipDrain?: boolean }): Promise<number | null>;
  /** SIGKILL: gone at once, its requests in flight with it. */
  kill(): Promise<void>;
}

export interface ReplicaSettings {
  readonly name: string;
  readonly port: number;
  readonly env: Record<string, string>;
  readonly logFile: string;
  /** Its working directory: not the project, so that a developer's ./fides.toml or ./.fides/ stays out of it. */
  readonly cwd: string;
  /** Run dist/src/server/main.js with plain node (after `npm run build`) instead of src/ through tsx. */
  readonly compiled: boolean;
}

export function createReplica(settings: ReplicaSettings): Replica {
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let output = '';
  const append = (text: string) => {
    output += text;
    appendFileSync(settings.logFile, text);
  };
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  return {
    name: settings.name,
    port: settings.port,
    url: `http://127.0.0.1:${settings.port}`,
    running,
    pid: () => (running() ? child?.pid : undefined),
    output: () => output,
    async start() {
      if (running()) return;
      const args = settings.compiled
        ? [`${ROOT_DIR}dist/src/server/main.js`]
        : [
            '--import',
            pathToFileURL(`${ROOT_DIR}node_modules/tsx/dist/loader.mjs`).href,
            `${ROOT_DIR}src/server/main.ts`,
          ];
      const started = spawn(process.execPath, args, {
        cwd: settings.cwd,
        env: {
          PATH: process.env.PATH ?? '',
          ...settings.env,
          PORT: String(settings.port),
          FIDES__WEBSERVER__HOST: '127.0.0.1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      const from = output.length;
      started.stdout!.on('data', (chunk: Buffer) => append(chunk.toString()));
      started.stderr!.on('data', (chunk: Buffer) => append(chunk.toString()));
      exited = new Promise((resolve) => started.once('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (/"msg":"listening on/.test(output.slice(from))) {
            started.stdout!.off('data', check);
            resolve();
          }
        };
        started.stdout!.on('data', check);
        void exited.then((code) =>
          reject(new Error(`${settings.name} exited (${code}) before listening:\n${output.slice(from)}`)),
        );
      });
    },
    async stop(options = {}) {
      if (!running()) return exited;
      child!.kill('SIGTERM');
      if (options.skipDrain) setTimeout(() => child?.kill('SIGTERM'), 50);
      const fallback = setTimeout(() => child?.kill('SIGKILL'), 15_000);
      try {
        return await exited;
      } finally {
        clearTimeout(fallback);
      }
    },
    async kill() {
      if (!running()) return;
      child!.kill('SIGKILL');
      await exited;
    },
  };
}
