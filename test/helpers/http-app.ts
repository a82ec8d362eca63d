import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from './test-app.js';

/**
 * The test app behind a real HTTP server on a free loopback port, with its issuer set to that address, for clients
 * that must talk HTTP (discovery, remote JWKS, urql).
 */
export async function startHttpTestApp(): Promise<TestApp & { origin: string }> {
  let handler: Parameters<typeof createServer>[1] = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer((req, res) => handler!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = await startTestApp({ FIDES__SECURITY__OAUTH_ISSUER: origin });
  handler = app.app;
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
