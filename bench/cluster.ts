// `npm run bench:cluster`: grants and authenticated reads per second through HAProxy with one, two and three
// replicas (scripts/cluster: private PostgreSQL and Redis), plus one replica without the balancer for its cost.
// Prints a Markdown table; BENCHMARKS.md records and reads it.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startCluster, type Cluster } from '../scripts/cluster/start-cluster.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    // The compiled server (`npm run build` first), as production runs it.
    compiled: { type: 'boolean', default: false },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const CLIENTS = 10;

interface Row {
  replicas: string;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}
const rows: Row[] = [];

type Request = { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string };

async function run(url: string, replicas: string, scenario: string, requests: Request[]): Promise<void> {
  const options = { url, connections: CONNECTIONS, requests };
  // One unmeasured second: JIT, connection pools and the per-process caches warm on every replica alike.
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: DURATION });
  const row = {
    replicas,
    scenario,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
  rows.push(row);
  console.error(`  ${replicas} | ${scenario}: ${row.rps} req/s, p99 ${row.p99} ms, ${row.errors} errors`);
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<Record<string, string>> {
  const response = await fetch(url, { method: 'POST', headers, body });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, string>;
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const grantBody = (id: string, secret: string) =>
  new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }).toString();

async function scenarios(cluster: Cluster, url: string, replicas: string): Promise<void> {
  const root = await post(
    `${url}/api/v1/oauth/token`,
    grantBody(cluster.root.clientId, cluster.root.clientSecret),
    FORM,
  );
  const clients: { id: string; secret: string; token: string }[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const created = await post(`${url}/api/v1/oauth/client`, JSON.stringify(['client:read', 'scope:read']), {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${root.access_token}`,
    });
    const issued = await post(`${url}/api/v1/oauth/token`, grantBody(created.client_id!, created.client_secret!), FORM);
    clients.push({ id: created.client_id!, secret: created.client_secret!, token: issued.access_token! });
  }
  // Steady state: every replica has verified every secret once (argon2) and cached every client, as after a few
  // minutes of real traffic. Cold, 32 connections in step would start with up to 32 argon2 verifications of one
  // client's secret in flight at once, past its pair's allowance of 10: the throttle would rightly lock it out.
  for (const replica of cluster.replicas) {
    for (const { id, secret, token } of clients) {
      await post(`${replica.url}/api/v1/oauth/token`, grantBody(id, secret), FORM);
      await fetch(`${replica.url}/api/v1/oauth/client/${id}`, { headers: { Authorization: `Bearer ${token}` } });
    }
  }
  await run(
    url,
    replicas,
    `token grant, ${CLIENTS} clients`,
    clients.map(({ id, secret }) => ({
      method: 'POST',
      path: '/api/v1/oauth/token',
      headers: FORM,
      body: grantBody(id, secret),
    })),
  );
  await run(
    url,
    replicas,
    'REST GET client/{id} (a database read)',
    clients.map(({ id, token }) => ({
      method: 'GET',
      path: `/api/v1/oauth/client/${id}`,
      headers: { Authorization: `Bearer ${token}` },
    })),
  );
  await run(
    url,
    replicas,
    'REST GET scope (authenticated, cached)',
    clients.map(({ token }) => ({
      method: 'GET',
      path: '/api/v1/oauth/scope',
      headers: { Authorization: `Bearer ${token}` },
    })),
  );
}

console.error(
  `bench:cluster: ${cpus().length} cores (${cpus()[0]?.model}), ${CONNECTIONS} connections, ${DURATION} s per run` +
    (args.compiled ? ', compiled' : ', through tsx'),
);
for (const count of [1, 2, 3]) {
  const cluster = await startCluster({ replicas: count, compiled: args.compiled });
  try {
    if (count === 1) await scenarios(cluster, cluster.replicas[0]!.url, '1, no balancer');
    await scenarios(cluster, cluster.url, `${count} behind HAProxy`);
  } finally {
    await cluster.stop();
  }
}

console.log('| replicas | scenario | req/s | p50 ms | p99 ms | errors |');
console.log('|---|---|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.replicas} | ${row.scenario} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.errors} |`);
}
