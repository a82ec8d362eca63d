import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/** Installs Debian's haproxy when it is missing, as CI installs PostgreSQL: needs root (apt-get). */
export function ensureHaproxy(log: (line: string) => void = () => {}): void {
  if (spawnSync('sh', ['-c', 'command -v haproxy'], { stdio: 'ignore' }).status === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error('haproxy is not installed and this is not root: run `sudo apt-get install -y haproxy` first');
  }
  log('haproxy is missing: apt-get install -y haproxy');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', 'haproxy'], { stdio: 'inherit', env });
  if (install().status !== 0) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    if (install().status !== 0) throw new Error('apt-get install -y haproxy failed');
  }
}

export interface BalancerSettings {
  readonly port: number;
  readonly replicas: readonly { name: string; port: number }[];
  /** Health-check period; a replica is out after 2 failed checks and back after 1 good one. */
  readonly checkIntervalMs: number;
  readonly dir: string;
}

/**
 * The configuration of deploy/haproxy.cfg, for replicas on loopback ports instead of Docker's DNS: round robin over
 * the replicas whose `/health/ready` answers 200, a connection refused retried on another replica (never a request
 * already sent: a POST is not replayed), and an admin socket to read the servers' states.
 */
export function balancerConfig(settings: BalancerSettings): string {
  const inter = `${settings.checkIntervalMs}ms`;
  return `# Written by scripts/cluster/haproxy.ts for npm run cluster; deploy/haproxy.cfg is the production one.
global
  maxconn 4096
  log stderr format raw local0 info
  stats socket ${join(settings.dir, 'haproxy.sock')} mode 600 level admin

defaults
  mode http
  # Only what went wrong (errors, retries, redispatches), to haproxy.log beside the replicas' logs.
  log global
  option httplog
  option dontlog-normal
  option forwardfor
  option redispatch 1
  retries 3
  retry-on conn-failure
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout http-request 10s
  timeout http-keep-alive 10s
  timeout check 1s

frontend public
  bind 127.0.0.1:${settings.port}
  default_backend gatehouse

backend gatehouse
  balance roundrobin
  option httpchk
  http-check send meth GET uri /health/ready
  http-check expect status 200
  default-server check inter ${inter} fall 2 rise 1
${settings.replicas.map((replica) => `  server ${replica.name} 127.0.0.1:${replica.port}`).join('\n')}
`;
}

export interface Balancer {
  readonly url: string;
  /** Each server's state as HAProxy sees it: `UP`, `DOWN`, `MAINT`, … */
  states(): Promise<Record<string, string>>;
  /** Each server's requests in flight now (HAProxy's current sessions to it). */
  inFlight(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** One command on the admin socket. */
function ask(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = '';
    socket.once('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.once('end', () => resolve(answer));
    socket.once('error', reject);
  });
}

export async function startBalancer(settings: BalancerSettings): Promise<Balancer> {
  const configPath = join(settings.dir, 'haproxy.cfg');
  writeFileSync(configPath, balancerConfig(settings));
  // -db: in the foreground, a child of this process, stopped with it.
  const logPath = join(settings.dir, 'haproxy.log');
  const log = openSync(logPath, 'a');
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', configPath], { stdio: ['ignore', log, log] });
  closeSync(log);
  const stderr = () => readFileSync(logPath, 'utf8');
  const socketPath = join(settings.dir, 'haproxy.sock');
  /** One column of `show stat` per server of the backend. */
  const column = async (name: string) => {
    const csv = await ask(socketPath, 'show stat');
    const [header, ...rows] = csv.trim().split('\n');
    const columns = header!.replace(/^# /, '').split(',');
    const [px, sv, wanted] = ['pxname', 'svname', name].map((field) => columns.indexOf(field));
    const result: Record<string, string> = {};
    for (const row of rows) {
      const cells = row.split(',');
      if (cells[px!] === 'gatehouse' && !['FRONTEND', 'BACKEND'].includes(cells[sv!]!)) {
        result[cells[sv!]!] = cells[wanted!]!;
      }
    }
    return result;
  };
  const states = async () =>
    Object.fromEntries(Object.entries(await column('status')).map(([name, value]) => [name, value.split(' ')[0]!]));
  const inFlight = async () =>
    Object.fromEntries(Object.entries(await column('scur')).map(([name, value]) => [name, Number(value)]));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${stderr()}`);
    try {
      await states();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`haproxy did not open its admin socket within 10 s:\n${stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url: `http://127.0.0.1:${settings.port}`,
    states,
    inFlight,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
