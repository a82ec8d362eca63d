// `npm run cluster`: compose.yaml's topology without Docker (PostgreSQL, Redis, three Gatehouse processes, HAProxy
// checking /health/ready), until Ctrl-C. See README "Running several replicas".
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster } from './cluster/start-cluster.js';

const { values: args } = parseArgs({
  options: {
    replicas: { type: 'string', default: '3' },
    port: { type: 'string' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    compiled: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});

if (args.help) {
  process.stdout.write(`Usage: npm run cluster -- [options]

  --replicas N          Gatehouse processes behind the balancer (default 3)
  --port P              the balancer's port (default: a free one)
  --database-url URL    a PostgreSQL to use (default: a private one in a temp folder, removed on exit; needs root)
  --redis-url URL       a Redis to use (default: a private redis-server on a free port)
  --compiled            run dist/ (npm run build first) instead of src/ through tsx
`);
  process.exit(0);
}

const log = (line: string) => console.log(`[cluster] ${line}`);
const cluster = await startCluster({
  replicas: Number(args.replicas),
  port: args.port === undefined ? undefined : Number(args.port),
  databaseUrl: args['database-url'],
  redisUrl: args['redis-url'],
  compiled: args.compiled,
  log,
});

console.log(`
Gatehouse at ${cluster.url} (HAProxy over ${cluster.replicas.length} replicas; Ctrl-C stops everything)

  replicas     ${cluster.replicas.map((replica) => `${replica.name} ${replica.url} (pid ${replica.pid()})`).join('\n               ')}
  PostgreSQL   ${cluster.postgres ? 'private, ' : ''}${cluster.databaseUrl}
  Redis        ${cluster.redis ? 'private, ' : ''}${cluster.redisUrl}
  root client  ${join(cluster.dir, 'root-client.txt')}
  logs         ${cluster.dir}/gatehouse-*.log, haproxy.log (errors and retries only)

  curl ${cluster.url}/health/ready
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the balancer, the replicas, Redis and PostgreSQL`);
    void cluster.stop().then(() => {
      log('stopped');
      process.exit(0);
    });
  });
}
