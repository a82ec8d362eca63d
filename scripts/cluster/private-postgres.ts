import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/**
 * A PostgreSQL cluster of its own, in a temp folder on a free port, run as the `postgres` user: a test (or
 * `npm run cluster`) may stop and start it at will without touching the shared server on 5432.
 */
export interface PrivatePostgres {
  readonly url: string;
  start(): void;
  stop(): void;
  destroy(): void;
}

export function binDir(): string | null {
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort();
    return versions.length ? `/usr/lib/postgresql/${versions.at(-1)}/bin` : null;
  } catch {
    return null;
  }
}

/** Runs a server binary as `postgres`: initdb and the server refuse to run as root, the user the tests run as. */
function asPostgres(bin: string, command: string, args: string[], timeout = 60_000): Buffer {
  return execFileSync('runuser', ['-u', 'postgres', '--', `${bin}/${command}`, ...args], { stdio: 'pipe', timeout });
}

/**
 * Why this machine cannot run a private cluster, or null when it can. Finding the binaries is not enough:
 * `runuser` needs root and a `postgres` user, so this runs one of them the way `startPrivatePostgres` will.
 */
export function privatePostgresUnavailable(): string | null {
  const bin = binDir();
  if (!bin) return 'no PostgreSQL server binaries under /usr/lib/postgresql';
  try {
    asPostgres(bin, 'initdb', ['--version'], 10_000);
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `cannot run ${bin}/initdb as the postgres user with runuser: ${stderr || (error as Error).message}`;
  }
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  asPostgres(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => asPostgres(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = () => asPostgres(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
