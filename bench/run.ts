// `npm run bench`: Gatehouse (PostgreSQL and PGlite), oidc-provider and a bare node:http server, side by side in one
// run, driven by autocannon over loopback. Prints a Markdown table; BENCHMARKS.md records and reads it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hash } from '@node-rs/argon2';
import autocannon from 'autocannon';
import knex from 'knex';
import { freePort } from '../scripts/cluster/free-port.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    postgres: { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/postgres' },
    clients: { type: 'string', default: '100000' },
    // Run Gatehouse as `npm run build && npm run start:prod` does (compiled by tsc), instead of through tsx.
    compiled: { type: 'boolean', default: false },
    // Only the scenarios whose "target scenario" contains this text, e.g. --only __typename --duration 15.
    only: { type: 'string' },
  },
});
const DURATION = Number(args.duration);
const ROOT = { id: 'bench-root', secret: 'bench-root-secret-0123456789abcdef' };
/** tsx's loader, resolved here: the servers run in other working directories. */
const TSX = import.meta.resolve('tsx');

interface Row {
  target: string;
  scenario: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  rssMb: number;
}
const rows: Row[] = [];

/** One server process, its pid the server's own (for peak RSS): `node --import tsx` for TypeScript, plain node for JS. */
async function startProcess(script: string, argv: string[], env: Record<string, string>, cwd = process.cwd()) {
  const loader = script.endsWith('.ts') ? ['--import', TSX] : [];
  const child: ChildProcess = spawn(process.execPath, [...loader, script, ...argv], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening/.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`${script} exited (${code}):\n${output}`)));
  });
  return {
    /** Peak resident set size so far, from the kernel's high-water mark. */
    peakRssMb: () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function load(
  target: string,
  scenario: string,
  rssMb: () => number,
  options: {
    url: string;
    connections: number;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<void> {
  if (args.only && !`${target} ${scenario}`.includes(args.only)) return;
  // One unmeasured second first, so the JIT and the connection pool are warm for every measured run alike.
  await autocannon({ ...options, duration: 1, method: options.method ?? 'GET' });
  const result = await autocannon({ ...options, duration: DURATION, method: options.method ?? 'GET' });
  const row: Row = {
    target,
    scenario,
    connections: options.connections,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    // The failed-grant scenarios expect their 401s; anything else is an error.
    errors:
      result.errors +
      result.timeouts +
      (scenario.includes('(401)') ? result.non2xx - (result.statusCodeStats?.['401']?.count ?? 0) : result.non2xx),
    rssMb: Math.round(rssMb()),
  };
  rows.push(row);
  console.error(
    `  ${target} | ${scenario} c${row.connections}: ${row.rps} req/s, p99 ${row.p99} ms, ${row.errors} errors`,
  );
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

async function post(url: string, body: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', headers, body });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** `npm run build`: the production artifact, as `npm run start:prod` runs it. */
function build(): string {
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  return join(process.cwd(), 'dist/src/server/main.js');
}
const SERVER_ENTRY = args.compiled ? build() : join(process.cwd(), 'src/server/main.ts');

async function gatehouse(label: string, databaseUrl: string, seed?: (count: number) => Promise<void>) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const cwd = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const server = await startProcess(
    SERVER_ENTRY,
    [],
    {
      PORT: String(port),
      FIDES__WEBSERVER__HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: ROOT.id,
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: ROOT.secret,
      FIDES__SECURITY__APP_ENCRYPTION_KEY: 'bench-encryption-key-32-chars-ok',
      FIDES__SECURITY__OAUTH_ISSUER: origin,
      // The throttle counts failures only; the benchmark makes none, but one stray must not skew a run.
      FIDES__SECURITY__AUTH_RATE_LIMIT: '1000000/second',
      LOG_LEVEL: 'info',
    },
    cwd,
  );
  try {
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

    const scenarios = async (suffix: string) => {
      const rss = server.peakRssMb;
      await load(label, `token grant${suffix}`, rss, {
        url: tokenUrl,
        connections: 16,
        method: 'POST',
        headers: FORM,
        body: grantBody,
      });
      await load(label, `token grant${suffix}`, rss, {
        url: tokenUrl,
        connections: 64,
        method: 'POST',
        headers: FORM,
        body: grantBody,
      });
      await load(label, `GraphQL viewer${suffix}`, rss, {
        url: `${origin}/graphql`,
        connections: 16,
        method: 'POST',
        headers: { ...JSON_TYPE, ...auth },
        body: viewer,
      });
      await load(label, `GraphQL client(clientId)${suffix}`, rss, {
        url: `${origin}/graphql`,
        connections: 16,
        method: 'POST',
        headers: { ...JSON_TYPE, ...auth },
        body: clientQuery,
      });
      await load(label, `REST GET client/{id}${suffix}`, rss, {
        url: `${origin}/api/v1/oauth/client/${client.client_id}`,
        connections: 16,
        headers: auth,
      });
      await load(label, `introspection${suffix}`, rss, {
        url: `${origin}/api/v1/oauth/introspect`,
        connections: 16,
        method: 'POST',
        headers: FORM,
        body: introspectBody,
      });
    };
    // The fastest answer this server gives (no body, no auth, no database): the ceiling of its HTTP stack.
    await load(label, 'GET /health (HTTP stack ceiling)', server.peakRssMb, {
      url: `${origin}/health`,
      connections: 16,
    });
    // Unknown client and wrong secret must cost the same (a dummy argon2 verification): compare their rates.
    const failing = (clientId: string, secret: string) =>
      form({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
    await load(label, 'failed grant: wrong secret (401)', server.peakRssMb, {
      url: tokenUrl,
      connections: 16,
      method: 'POST',
      headers: FORM,
      body: failing(client.client_id, 'wrong'),
    });
    await load(label, 'failed grant: unknown client (401)', server.peakRssMb, {
      url: tokenUrl,
      connections: 16,
      method: 'POST',
      headers: FORM,
      body: failing(randomBytes(16).toString('hex'), 'wrong'),
    });
    // Auth switched off: the same viewer query without a token (no verification, no client lookup). Without a
    // principal viewer resolves to null, so the pair below isolates auth alone: one document, one answer, with
    // and without a token.
    await load(label, 'GraphQL viewer, no auth (baseline)', server.peakRssMb, {
      url: `${origin}/graphql`,
      connections: 16,
      method: 'POST',
      headers: JSON_TYPE,
      body: viewer,
    });
    const typename = JSON.stringify({ query: '{ __typename }' });
    await load(label, 'GraphQL { __typename }, no token', server.peakRssMb, {
      url: `${origin}/graphql`,
      connections: 16,
      method: 'POST',
      headers: JSON_TYPE,
      body: typename,
    });
    await load(label, 'GraphQL { __typename }, with token', server.peakRssMb, {
      url: `${origin}/graphql`,
      connections: 16,
      method: 'POST',
      headers: { ...JSON_TYPE, ...auth },
      body: typename,
    });
    await scenarios(', 10 clients');
    if (seed) {
      await seed(Number(args.clients));
      await scenarios(`, ${Number(args.clients).toLocaleString('en')} clients`);
    }
  } finally {
    await server.stop();
    rmSync(cwd, { recursive: true, force: true });
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

async function main() {
  console.error(
    `Benchmarks: ${DURATION}s per run, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, Gatehouse ${args.compiled ? 'compiled by tsc' : 'through tsx'}`,
  );

  // Ceiling.
  {
    const port = await freePort();
    const server = await startProcess(join(process.cwd(), 'bench/peer-bare.ts'), [String(port)], {});
    await load('bare node:http', 'fixed JSON', server.peakRssMb, { url: `http://127.0.0.1:${port}/`, connections: 16 });
    await server.stop();
  }

  // Peer.
  {
    const port = await freePort();
    const server = await startProcess(join(process.cwd(), 'bench/peer-oidc-provider.ts'), [String(port)], {});
    const origin = `http://127.0.0.1:${port}`;
    const grant = form({
      grant_type: 'client_credentials',
      client_id: 'bench',
      client_secret: 'bench-secret-0123456789abcdef0123456789',
      scope: 'api:read',
    });
    const { access_token: token } = await post(`${origin}/token`, grant, FORM);
    await load('oidc-provider', 'token grant', server.peakRssMb, {
      url: `${origin}/token`,
      connections: 16,
      method: 'POST',
      headers: FORM,
      body: grant,
    });
    await load('oidc-provider', 'token grant', server.peakRssMb, {
      url: `${origin}/token`,
      connections: 64,
      method: 'POST',
      headers: FORM,
      body: grant,
    });
    await load('oidc-provider', 'introspection', server.peakRssMb, {
      url: `${origin}/token/introspection`,
      connections: 16,
      method: 'POST',
      headers: FORM,
      body: form({
        token: token as string,
        client_id: 'bench',
        client_secret: 'bench-secret-0123456789abcdef0123456789',
      }),
    });
    await server.stop();
  }

  // Gatehouse on a fresh PostgreSQL database, then grown to 100,000 clients; and on PGlite.
  const admin = knex({ client: 'pg', connection: args.postgres, pool: { min: 0, max: 1 } });
  const name = `gatehouse_bench_${randomBytes(4).toString('hex')}`;
  await admin.raw(`create database ${name}`);
  const url = new URL(args.postgres!);
  url.pathname = `/${name}`;
  try {
    await gatehouse('Gatehouse, PostgreSQL', url.toString(), seederFor(url.toString()));
  } finally {
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
  }
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-pglite-'));
  try {
    await gatehouse('Gatehouse, PGlite', `pglite://${dir}`);
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
}

await main();
