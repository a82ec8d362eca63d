import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { App } from '../../src/server/app.js';
import { createHttpServer } from '../../src/server/http-server.js';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from './test-app.js';

/**
 * The test app behind a real HTTP server on a free loopback port, with its issuer set to that address, for clients
 * that must talk HTTP (discovery, remote JWKS, urql).
 */
export async function startHttpTestApp(env: Record<string, string> = {}): Promise<TestApp & { origin: string }> {
  // The real server wrapper, around a handler set once the app (whose issuer is this address) exists.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503).end();
  const server: Server = createHttpServer(((req: IncomingMessage, res: ServerResponse) =>
    handler(req, res)) as unknown as App);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = await startTestApp({ FIDES__SECURITY__OAUTH_ISSUER: origin, ...env });
  handler = app.app as unknown as typeof handler;
  return {
    ...app,
    origin,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}
