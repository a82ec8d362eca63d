import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { holdRequest, refusesConnections } from '../helpers/raw-http.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { TEST_DATABASE_URL } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';

// `npm start` on a fresh folder with no configuration at all, as a new user runs it, over real HTTP.
const cwd = mkdtempSync(join(tmpdir(), 'gatehouse-fresh-'));
const started: ServerProcess[] = [];
afterAll(() => {
  for (const server of started) server.child.kill('SIGKILL');
});

function start(): ServerProcess {
  const server = startServerProcess(cwd);
  started.push(server);
  return server;
}

async function grant(port: number, id: string, secret: string) {
  return fetch(`http://127.0.0.1:${port}/api/v1/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
  });
}

// About the embedded default only, so the PostgreSQL run of the suite skips it.
describe.skipIf(TEST_DATABASE_URL)('a fresh start with no configuration', () => {
  let first: ServerProcess;
  let port: number;
  let secrets: Record<string, string>;
  let token: string;
  let rootGrant: { access_token: string; token_type: string; expires_in: number; expires_at: string; scope: string };

  it('generates the root credentials and key into a 0600 file, logs its path and never the secret', async () => {
    first = start();
    port = await first.listening;
    const path = join(cwd, '.fides/data/secrets.toml');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    secrets = (parse(readFileSync(path, 'utf8')) as { security: Record<string, string> }).security;
    expect(first.output()).toContain(`"path":"${path}"`);
    // A first start tells a person where to go next and where the root credentials are.
    await eventually(() => first.output().includes('"msg":"REST docs at'), 5_000);
    expect(first.output()).toContain(
      `"msg":"REST docs at http://127.0.0.1:${port}/docs, GraphiQL at http://127.0.0.1:${port}/graphql; the root client's id and secret are in ${path}"`,
    );
    // The default issuer is recorded with the generated values (port 0 here), so a later start keeps it.
    expect(secrets.oauth_issuer).toBe('http://localhost:0');
    expect(first.output()).not.toContain(secrets.oauth_root_client_secret);
    expect(first.output()).not.toContain(secrets.app_encryption_key);

    const response = await grant(port, secrets.oauth_root_client_id!, secrets.oauth_root_client_secret!);
    expect(response.status).toBe(200);
    rootGrant = (await response.json()) as typeof rootGrant;
    expect(Object.keys(rootGrant).sort()).toEqual(['access_token', 'expires_at', 'expires_in', 'scope', 'token_type']);
    token = rootGrant.access_token;
    expect(first.output()).not.toContain(token);
  });

  it('refuses a second process on the same data folder with a clear message', async () => {
    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(
      new RegExp(
        `cannot start: the embedded database in ${join(cwd, '.fides/data')} is in use by process \\d+; stop that process`,
      ),
    );
    // The first one is unharmed.
    expect((await grant(port, secrets.oauth_root_client_id!, secrets.oauth_root_client_secret!)).status).toBe(200);
  });

  it('on SIGTERM stops accepting, finishes the request in flight, and exits 0 within 10 s', async () => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: secrets.oauth_root_client_id!,
      client_secret: secrets.oauth_root_client_secret!,
    }).toString();
    // The token endpoint cannot answer without the client secret, which is in the held back part of the body: the
    // request is certainly still being served when the signal lands, whatever the timing.
    const held = holdRequest(port, {
      path: '/api/v1/oauth/token',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      sendFirst: body.indexOf('client_secret='),
    });
    await held.accepted;

    const signalled = Date.now();
    first.child.kill('SIGTERM');
    await eventually(() => first.output().includes('"signal":"SIGTERM","msg":"shutting down"'), 5_000);
    // Stopped listening while the request is open: a new connection is refused, not queued or reset.
    await eventually(() => refusesConnections(port), 2_000);
    // A slow client is not an idle one: the request outlives several of the shutdown's idle sweeps (every 250 ms), so
    // a server that cut it, or quit on a timer shorter than its 8 s deadline, would be seen doing so.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(held.answered()).toBe(false);
    expect(first.child.exitCode).toBe(null);

    const answer = await held.finish();
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const issued = JSON.parse(answer.body) as typeof rootGrant;
    // The same answer as before the signal: a shutting-down server serves the request in full, not a degraded one.
    expect(issued).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 11520 * 60,
      expires_at: expect.stringMatching(/\+00:00$/),
      scope: rootGrant.scope,
    });
    expect(Math.abs(Date.parse(issued.expires_at) - (Date.now() + issued.expires_in * 1000))).toBeLessThanOrEqual(5000);
    expect(await first.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
  });

  it('stops when `npm start` itself gets SIGTERM, as under a supervisor: no server left serving', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-npm-start-'));
    const config = join(folder, 'fides.toml');
    writeFileSync(config, '');
    const viaNpm = startServerProcess(
      folder,
      {
        FIDES__CONFIG_PATH: config,
        DATABASE_URL: `pglite://${join(folder, 'data')}`,
        FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: 'npm-root',
        FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'npm-root-secret-0123456789abcdef0123',
        FIDES__SECURITY__APP_ENCRYPTION_KEY: 'npm-start-encryption-key-32-chr!',
      },
      { viaNpm: true },
    );
    const npmPort = await viaNpm.listening;
    expect(await refusesConnections(npmPort)).toBe(false);
    viaNpm.child.kill('SIGTERM');
    // npm's own exit code varies with its version and timing; what matters is that the server stopped with it.
    await viaNpm.exited;
    // The server itself got the signal and stopped: the port and the data folder's lock are free.
    await eventually(() => refusesConnections(npmPort), 20_000);
    // The listener closes first, the database (and its lock) after the requests in flight. How long PGlite takes to
    // close is no concern of this test, and on a loaded machine it has taken over 10 s: the bound is only there so a
    // server that never stops fails the test rather than hanging it.
    await eventually(() => !existsSync(join(folder, 'data', 'gatehouse.lock')), 30_000);
  }, 60_000);

  it('keeps issued tokens valid across a restart', async () => {
    const again = start();
    const newPort = await again.listening;
    const response = await fetch(`http://127.0.0.1:${newPort}/api/v1/oauth/scope`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    // Same data folder, so the same signing key, issuer and root client: the old token still works.
    expect(response.status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});

// Behind a balancer (README "Running several replicas"): not ready first, still serving, then closed.
describe.skipIf(TEST_DATABASE_URL)('a shutdown drain (webserver.shutdown_drain_seconds)', () => {
  it('answers /health/ready 503 and still serves, closing each connection after its answer, then exits 0', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-drain-'));
    const server = startServerProcess(folder, {
      DATABASE_URL: 'pglite://memory',
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: 'drain-root',
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'drain-root-secret-0123456789abcdef0123',
      FIDES__SECURITY__APP_ENCRYPTION_KEY: 'drain-test-encryption-key-32chr!',
      FIDES__WEBSERVER__SHUTDOWN_DRAIN_SECONDS: '1.5',
    });
    started.push(server);
    const port = await server.listening;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await eventually(
      () => server.output().includes('"signal":"SIGTERM","drainSeconds":1.5,"msg":"shutting down"'),
      5_000,
    );
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ detail: 'Service Unavailable', server: 'shutting down' });
    expect(ready.headers.get('connection')).toBe('close');
    const granted = await grant(port, 'drain-root', 'drain-root-secret-0123456789abcdef0123');
    expect(granted.status).toBe(200);
    expect(granted.headers.get('connection')).toBe('close');
    expect(await refusesConnections(port)).toBe(false);

    // After the drain the listener closes and the process exits.
    await eventually(() => refusesConnections(port), 5_000);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1_400);
    expect(await server.exited).toBe(0);
  }, 30_000);
});
