import type { Plugin } from 'graphql-yoga';
import type { Orm } from '../../db/orm.js';
import { json } from '../../rest/index.js';

const noStore = (status: number, body: unknown) => json(status, body, { 'Cache-Control': 'no-store' });

/**
 * `useHealth`: `GET /health` (liveness: the process answers) and `GET /health/ready` (readiness: the database
 * answers within `timeoutMs`, and the process is not shutting down: while `draining()` holds it answers 503 so that
 * a balancer takes it out before its listener closes). Exact paths only.
 */
export function useHealth(options: { orm: Orm; timeoutMs?: number; draining?: () => boolean }): Plugin {
  const timeoutMs = options.timeoutMs ?? 2000;
  const draining = options.draining ?? (() => false);
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/health') {
        endResponse(noStore(200, { status: 'ok' }));
      } else if (url.pathname === '/health/ready') {
        if (draining()) {
          endResponse(noStore(503, { detail: 'Service Unavailable', server: 'shutting down' }));
          return;
        }
        endResponse(
          (await databaseAnswers(options.orm, timeoutMs))
            ? noStore(200, { status: 'ready' })
            : noStore(503, { detail: 'Service Unavailable', database: 'unreachable' }),
        );
      }
    },
  };
}

async function databaseAnswers(orm: Orm, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const query = orm.em
      .fork()
      .getConnection()
      .execute('select 1')
      .then(
        () => true,
        () => false,
      );
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
