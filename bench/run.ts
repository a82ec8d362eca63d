// `npm run bench`: Gatehouse (PostgreSQL and PGlite), oidc-provider (opaque and JWT access tokens) and a bare node:http
// server, side by side in one run, driven by autocannon over loopback. Prints every run as a Markdown table, then
// issue #15's targets against this run's figures; BENCHMARKS.md records and reads both.
//
// Gatehouse on PostgreSQL runs compiled, as `npm run build && npm run start:prod` does; on PGlite it runs as
// `npm start` does (`node --import tsx src/server/main.ts`), the newcomer's default.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { hash } from '@node-rs/argon2';
import autocannon from 'autocannon';
import knex from 'knex';
import { freePort } from '../scripts/cluster/free-port.js';
import { targetRows, type Row } from './targets.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    postgres: { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/postgres' },
    clients: { type: 'string', default: '100000' },
    // Only the scenarios whose "target scenario" contains this text, e.g. --only __typename --duration 15.
    only: { type: 'string' },
    // Write a V8 CPU profile of every Gatehouse process into this folder (summed by bench/profile-summary.ts).
    'cpu-prof': { type: 'string' },
  },
});
const DURATION = Number(args.duration);
const ROOT = { id: 'bench-root', secret: 'bench-root-secret-0123456789abcdef' };
/** tsx's loader, resolved here: the servers run in other working directories. */
const TSX = import.meta.resolve('tsx');
/** The V8 options `npm start` and `npm run start:prod` give node unless NODE_OPTIONS is set. */
const NODE_OPTIONS =
  (JSON.parse(readFileSync('package.json', 'utf8')) as { config?: { node_options?: string } }).config?.node_options ??
  '';
/** Every warm scenario runs at both; the cold ones (failed grants, each paying argon2id) at the first only. */
const CONNECTIONS = [16, 64] as const;

const rows: Row[] = [];

/** Resident set size of a process, in MB, from the kernel: `VmHWM` is its peak so far, `VmRSS` its size now. */
function rssMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

/**
 * One server process and the pid whose memory is read: `node --import tsx` for a TypeScript peer, plain node for
 * JS, or `npm run <script>` for Gatehouse, exactly as a user starts it (the scripts `exec` node, so npm's child
 * process is the server itself).
 */
async function startProcess(
  command: { script: string; argv?: string[] } | { npm: string },
  env: Record<string, string>,
  options: { cwd?: string; nodeArgs?: string[] } = {},
) {
  const [file, argv] =
    'npm' in command
      ? ['npm', ['run', '-s', command.npm]]
      : [
          process.execPath,
          [...(command.script.endsWith('.ts') ? ['--import', TSX] : []), command.script, ...(command.argv ?? [])],
        ];
  const child: ChildProcess = spawn(file, argv, {
    cwd: options.cwd ?? process.cwd(),
    env: {
      PATH: process.env.PATH ?? '',
      ...(options.nodeArgs ? { NODE_OPTIONS: options.nodeArgs.join(' ') } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    // The last few kilobytes only: under load the access log writes a line per request.
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8192));
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (/listening/.test(output)) resolve();
    });
    child.stderr!.on('data', keep);
    child.on('exit', (code) => reject(new Error(`${file} ${argv.join(' ')} exited (${code}):\n${output}`)));
  });
  const pid =
    'npm' in command
      ? Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0])
      : child.pid!;
  return {
    peakRssMb: () => rssMb(pid, 'VmHWM'),
    rssMb: () => rssMb(pid, 'VmRSS'),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        process.kill(pid, 'SIGTERM');
      }),
  };
}

interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

async function loadOnce(
  target: string,
  scenario: string,
  peakRss: () => number,
  connections: number,
  options: LoadOptions,
): Promise<void> {
  if (args.only && !`${target} ${scenario}`.includes(args.only)) return;
  const run = { ...options, connections, method: options.method ?? 'GET' };
  // One unmeasured second first, so the JIT and the connection pool are warm for every measured run alike.
  await autocannon({ ...run, duration: 1 });
  const result = await autocannon({ ...run, duration: DURATION });
  const cold = scenario.includes('(401)');
  const row: Row = {
    target,
    scenario,
    connections,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    // The failed-grant scenarios expect their 401s; anything else is an error.
    errors:
      result.errors +
      result.timeouts +
      (cold ? result.non2xx - (result.statusCodeStats?.['401']?.count ?? 0) : result.non2xx),
    rssMb: Math.round(peakRss()),
    warm: !cold,
  };
  rows.push(row);
  console.error(`  ${target} | ${scenario} c${connections}: ${row.rps} req/s, p99 ${row.p99} ms, ${row.errors} errors`);
}

/** A warm scenario, at every connection count. */
async function load(target: string, scenario: string, peakRss: () => number, options: LoadOptions): Promise<void> {
  for (const connections of CONNECTIONS) await loadOnce(target, scenario, peakRss, connections, options);
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

async function post(url: string, body: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', headers, body });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function gatehouse(
  label: string,
  npmScript: 'start' | 'start:prod',
  databaseUrl: string,
  seed?: (count: number) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // An empty configuration file: a developer's own fides.toml in the checkout must not change the figures.
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const configPath = join(dir, 'fides.toml');
  writeFileSync(configPath, '');
  const profileDir = args['cpu-prof'] ? resolve(args['cpu-prof'], label.replace(/\W+/g, '-')) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const server = await startProcess(
    { npm: npmScript },
    {
      FIDES__CONFIG_PATH: configPath,
      PORT: String(port),
      FIDES__WEBSERVER__HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: ROOT.id,
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: ROOT.secret,
      FIDES__SECURITY__APP_ENCRYPTION_KEY: 'bench-encryption-key-32-chars-ok',
      FIDES__SECURITY__OAUTH_ISSUER: origin,
      // The throttle counts failures only; the benchmark makes none, but one stray must not skew a run.
      FIDES__SECURITY__AUTH_RATE_LIMIT: '1000000/second',
      FIDES__SECURITY__AUTH_IP_RATE_LIMIT: '1000000/second',
      LOG_LEVEL: 'info',
    },
    // Setting NODE_OPTIONS replaces the scripts' default (package.json's config.node_options): keep it in.
    { nodeArgs: profileDir ? [NODE_OPTIONS, '--cpu-prof', `--cpu-prof-dir=${profileDir}`] : undefined },
  );
  try {
    // Idle: started, migrated and ready, nothing asked yet, given a few seconds to settle.
    await sleep(3000);
    rows.push({
      target: label,
      scenario: 'idle after start (current RSS, no request yet)',
      connections: 0,
      rps: 0,
      p50: 0,
      p99: 0,
      errors: 0,
      rssMb: Math.round(server.rssMb()),
      warm: false,
    });
    const tokenUrl = `${origin}/api/v1/oauth/token`;
    const rootToken = (
      await post(
        tokenUrl,
        form({ grant_type: 'client_credentials', client_id: ROOT.id, client_secret: ROOT.secret }),
        FORM,
      )
    ).access_token as string;
    const bearer = { Authorization: `Bearer ${rootToken}` };
    const client = (await post(`${origin}/api/v1/oauth/client`, JSON.stringify(['client:read', 'scope:read']), {
      ...JSON_TYPE,
      ...bearer,
    })) as { client_id: string; client_secret: string };
    const clientToken = (
      await post(
        tokenUrl,
        form({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }),
        FORM,
      )
    ).access_token as string;
    const auth = { Authorization: `Bearer ${clientToken}` };
    const grantBody = form({
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    const introspectBody = form({
      token: clientToken,
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    const viewer = JSON.stringify({ query: '{ viewer { clientId scopes } }' });
    const clientQuery = JSON.stringify({ query: `{ client(clientId: "${client.client_id}") { clientId scopes } }` });
    const rss = server.peakRssMb;

    const scenarios = async (suffix: string) => {
      await load(label, `token grant${suffix}`, rss, { url: tokenUrl, method: 'POST', headers: FORM, body: grantBody });
      await load(label, `GraphQL viewer${suffix}`, rss, {
        url: `${origin}/graphql`,
        method: 'POST',
        headers: { ...JSON_TYPE, ...auth },
        body: viewer,
      });
      await load(label, `GraphQL client(clientId)${suffix}`, rss, {
        url: `${origin}/graphql`,
        method: 'POST',
        headers: { ...JSON_TYPE, ...auth },
        body: clientQuery,
      });
      await load(label, `REST GET client/{id}${suffix}`, rss, {
        url: `${origin}/api/v1/oauth/client/${client.client_id}`,
        headers: auth,
      });
      await load(label, `introspection${suffix}`, rss, {
        url: `${origin}/api/v1/oauth/introspect`,
        method: 'POST',
        headers: FORM,
        body: introspectBody,
      });
    };
    // The fastest answer this server gives (no body, no auth, no database): the ceiling of its HTTP stack.
    await load(label, 'GET /health (HTTP stack ceiling)', rss, { url: `${origin}/health` });
    // Unknown client and wrong secret must cost the same (a dummy argon2 verification): compare their rates.
    const failing = (clientId: string, secret: string) =>
      form({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
    await loadOnce(label, 'failed grant: wrong secret (401)', rss, CONNECTIONS[0], {
      url: tokenUrl,
      method: 'POST',
      headers: FORM,
      body: failing(client.client_id, 'wrong'),
    });
    await loadOnce(label, 'failed grant: unknown client (401)', rss, CONNECTIONS[0], {
      url: tokenUrl,
      method: 'POST',
      headers: FORM,
      body: failing(randomBytes(16).toString('hex'), 'wrong'),
    });
    // Auth switched off: the same viewer query without a token (no verification, no client lookup). Without a
    // principal viewer resolves to null, so the pair below isolates auth alone: one document, one answer, with
    // and without a token.
    await load(label, 'GraphQL viewer, no auth (baseline)', rss, {
      url: `${origin}/graphql`,
      method: 'POST',
      headers: JSON_TYPE,
      body: viewer,
    });
    const typename = JSON.stringify({ query: '{ __typename }' });
    await load(label, 'GraphQL { __typename }, no token', rss, {
      url: `${origin}/graphql`,
      method: 'POST',
      headers: JSON_TYPE,
      body: typename,
    });
    await load(label, 'GraphQL { __typename }, with token', rss, {
      url: `${origin}/graphql`,
      method: 'POST',
      headers: { ...JSON_TYPE, ...auth },
      body: typename,
    });
    await scenarios(', 10 clients');
    if (seed) {
      await seed(Number(args.clients));
      await scenarios(`, ${Number(args.clients).toLocaleString('en')} clients`);
    }
    rows.push({
      target: label,
      scenario: 'whole bench (peak RSS)',
      connections: 0,
      rps: 0,
      p50: 0,
      p99: 0,
      errors: 0,
      rssMb: Math.round(server.peakRssMb()),
      warm: false,
    });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Inserts clients straight into PostgreSQL, all with one argon2id hash (hashing 100,000 secrets would take minutes). */
function seederFor(url: string) {
  return async (count: number) => {
    const db = knex({ client: 'pg', connection: url });
    try {
      const secretHash = await hash(randomBytes(32).toString('base64url'));
      const now = new Date();
      for (let start = 0; start < count; start += 5000) {
        const batch = Array.from({ length: Math.min(5000, count - start) }, () => ({
          id: randomBytes(16).toString('hex'),
          secret_hash: secretHash,
          scopes: ['client:read', 'policy:read'],
          name: null,
          description: null,
          created_at: now,
          updated_at: now,
        }));
        await db('client').insert(batch);
      }
      await db.raw('analyze client');
    } finally {
      await db.destroy();
    }
  };
}

/** oidc-provider with one client-credentials client, minting opaque or JWT access tokens. */
async function oidcProvider(format: 'opaque' | 'jwt'): Promise<void> {
  const port = await freePort();
  const server = await startProcess(
    { script: join(process.cwd(), 'bench/peer-oidc-provider.ts'), argv: [String(port), format] },
    {},
  );
  const origin = `http://127.0.0.1:${port}`;
  const credentials = { client_id: 'bench', client_secret: 'bench-secret-0123456789abcdef0123456789' };
  const grant = form({ grant_type: 'client_credentials', ...credentials, scope: 'api:read' });
  const { access_token: token } = await post(`${origin}/token`, grant, FORM);
  const label = `oidc-provider, ${format} tokens`;
  try {
    await load(label, 'token grant', server.peakRssMb, {
      url: `${origin}/token`,
      method: 'POST',
      headers: FORM,
      body: grant,
    });
    // It introspects the tokens it stores: its JWTs are for the resource server to verify itself.
    if (format === 'opaque') {
      await loadOnce(label, 'introspection', server.peakRssMb, CONNECTIONS[0], {
        url: `${origin}/token/introspection`,
        method: 'POST',
        headers: FORM,
        body: form({ token: token as string, ...credentials }),
      });
    }
  } finally {
    await server.stop();
  }
}

async function main() {
  // `npm run build`: the production artifact, as `npm run start:prod` runs it.
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  console.error(
    `Benchmarks: ${DURATION}s per run, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
  );

  // Ceiling.
  {
    const port = await freePort();
    const server = await startProcess({ script: join(process.cwd(), 'bench/peer-bare.ts'), argv: [String(port)] }, {});
    await load('bare node:http', 'fixed JSON', server.peakRssMb, { url: `http://127.0.0.1:${port}/` });
    await server.stop();
  }

  // yoga alone (no plugins, its own health check): what any route served through yoga's fetch adapter starts from.
  {
    const port = await freePort();
    const server = await startProcess({ script: join(process.cwd(), 'bench/peer-yoga.ts'), argv: [String(port)] }, {});
    await load('graphql-yoga alone', 'GET /health (its own, empty)', server.peakRssMb, {
      url: `http://127.0.0.1:${port}/health`,
    });
    await server.stop();
  }

  // Peer, in both of its token formats.
  await oidcProvider('opaque');
  await oidcProvider('jwt');

  // Gatehouse on a fresh PostgreSQL database (compiled), then grown to 100,000 clients; and on PGlite as `npm start`.
  const admin = knex({ client: 'pg', connection: args.postgres, pool: { min: 0, max: 1 } });
  const name = `gatehouse_bench_${randomBytes(4).toString('hex')}`;
  await admin.raw(`create database ${name}`);
  const url = new URL(args.postgres!);
  url.pathname = `/${name}`;
  try {
    await gatehouse('Gatehouse, PostgreSQL, compiled', 'start:prod', url.toString(), seederFor(url.toString()));
  } finally {
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
  }
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-pglite-'));
  try {
    await gatehouse('Gatehouse, PGlite, npm start', 'start', `pglite://${dir}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log('| target | scenario | conn | req/s | p50 ms | p99 ms | errors | peak RSS MB |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    console.log(
      `| ${row.target} | ${row.scenario} | ${row.connections} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.errors} | ${row.rssMb} |`,
    );
  }
  console.log('\n| measure | this run | target | |');
  console.log('|---|---|---|---|');
  for (const target of targetRows(rows)) {
    console.log(`| ${target.measure} | ${target.measured} | ${target.target} | ${target.verdict} |`);
  }
}

await main();
