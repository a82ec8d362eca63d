// The topology of compose.yaml without Docker: PostgreSQL, Redis, N Gatehouse processes on free ports and HAProxy
// balancing them on /health/ready. `npm run cluster` runs it for a person; test/cluster/ drives it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ensureHaproxy, startBalancer, type Balancer } from './haproxy.js';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';
import { createReplica, type Replica } from './replica.js';

export interface ClusterOptions {
  /** Gatehouse processes (default 3, as compose.yaml). */
  readonly replicas?: number;
  /** A PostgreSQL to use; without it a private cluster is started (as root, with PostgreSQL's server binaries). */
  readonly databaseUrl?: string;
  /** A Redis to use; without it a private redis-server is started. */
  readonly redisUrl?: string;
  /** The balancer's port (default: a free one). */
  readonly port?: number;
  /** HAProxy's health-check period (default 500 ms: a replica is out within about a second). */
  readonly checkIntervalMs?: number;
  /** The replicas' `webserver.shutdown_drain_seconds` (default: long enough for 2 failed checks and one more). */
  readonly drainSeconds?: number;
  /** Run the compiled server (dist/, after `npm run build`) instead of src/ through tsx. */
  readonly compiled?: boolean;
  /** More configuration for every replica (FIDES__… variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface Cluster {
  /** The balancer's URL: the issuer of every token. */
  readonly url: string;
  readonly balancer: Balancer;
  readonly replicas: readonly Replica[];
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Started by the cluster (so a test may stop and start them); null when a URL was given. */
  readonly postgres: PrivatePostgres | null;
  readonly redis: PrivateRedis | null;
  /** The root client every replica shares; also in `<dir>/root-client.txt` (mode 0600). */
  readonly root: { readonly clientId: string; readonly clientSecret: string };
  /** The configuration every replica gets (FIDES__… variables, secrets included): for `npm run cli` against it. */
  readonly env: Readonly<Record<string, string>>;
  /** Temp folder: the balancer's configuration and socket, each replica's log. */
  readonly dir: string;
  /** Resolves once HAProxy sees exactly these replicas UP (default: every running one). */
  balanced(up?: readonly string[], timeoutMs?: number): Promise<void>;
  /** Stops everything it started and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => {});
  const count = options.replicas ?? 3;
  const checkIntervalMs = options.checkIntervalMs ?? 500;
  const drainSeconds = options.drainSeconds ?? (3 * checkIntervalMs) / 1000 + 0.5;
  ensureHaproxy(log);
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cluster-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const cleanup of cleanups.splice(0).reverse()) {
        try {
          await cleanup();
        } catch (error) {
          log(`cleanup failed: ${(error as Error).message}`);
        }
      }
    })());

  try {
    let postgres: PrivatePostgres | null = null;
    if (!options.databaseUrl) {
      log('starting a private PostgreSQL');
      postgres = await startPrivatePostgres();
      cleanups.push(() => postgres!.destroy());
    }
    let redis: PrivateRedis | null = null;
    if (!options.redisUrl) {
      log('starting a private Redis');
      redis = await startPrivateRedis();
      cleanups.push(() => redis!.stop());
    }
    const databaseUrl = options.databaseUrl ?? postgres!.url;
    const redisUrl = options.redisUrl ?? redis!.url;
    const port = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;

    // What README's "Running several replicas" says must be identical everywhere: one root client, one encryption
    // key, one issuer, one database, one Redis. Random per cluster, never in a committed file.
    const root = { clientId: 'cluster-root', clientSecret: randomBytes(32).toString('base64url') };
    writeFileSync(join(dir, 'root-client.txt'), `client_id=${root.clientId}\nclient_secret=${root.clientSecret}\n`, {
      mode: 0o600,
    });
    const env = {
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: root.clientId,
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: root.clientSecret,
      FIDES__SECURITY__APP_ENCRYPTION_KEY: randomBytes(24).toString('base64'),
      FIDES__SECURITY__OAUTH_ISSUER: url,
      // The balancer connects from loopback: believe its X-Forwarded-For, as compose.yaml believes the balancer's.
      FIDES__SECURITY__TRUSTED_PROXIES: '127.0.0.1',
      FIDES__DATABASE__URL: databaseUrl,
      FIDES__REDIS__URL: redisUrl,
      FIDES__WEBSERVER__SHUTDOWN_DRAIN_SECONDS: String(drainSeconds),
      FIDES__LOGGING__LEVEL: 'info',
      ...options.env,
    };
    const replicas: Replica[] = [];
    for (let index = 1; index <= count; index++) {
      const name = `gatehouse-${index}`;
      replicas.push(
        createReplica({
          name,
          port: await freePort(),
          env,
          logFile: join(dir, `${name}.log`),
          cwd: dir,
          compiled: options.compiled ?? false,
        }),
      );
    }
    cleanups.push(() => Promise.all(replicas.map((replica) => replica.stop({ skipDrain: true }))).then(() => {}));
    log(`starting ${count} replicas`);
    // The first one alone applies the migrations; the others then find nothing to do (they would wait on its lock).
    await replicas[0]!.start();
    await Promise.all(replicas.slice(1).map((replica) => replica.start()));

    const balancer = await startBalancer({
      port,
      replicas: replicas.map(({ name, port }) => ({ name, port })),
      checkIntervalMs,
      dir,
    });
    cleanups.push(() => balancer.stop());

    const balanced = async (up?: readonly string[], timeoutMs = 10_000) => {
      const expected = [...(up ?? replicas.filter((replica) => replica.running()).map((replica) => replica.name))];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await balancer.states();
        const now = Object.keys(states).filter((name) => states[name] === 'UP');
        if (now.sort().join() === expected.sort().join()) return;
        if (Date.now() > deadline) {
          throw new Error(`the balancer sees ${JSON.stringify(states)}, not ${expected.join(', ')} UP`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    await balanced();
    log(`balancing ${count} replicas at ${url}`);
    return { url, balancer, replicas, databaseUrl, redisUrl, postgres, redis, root, env, dir, balanced, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
