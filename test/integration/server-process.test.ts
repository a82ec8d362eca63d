import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { TEST_DATABASE_URL } from '../helpers/test-app.js';

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

  it('generates the root credentials and key into a 0600 file, logs its path and never the secret', async () => {
    first = start();
    port = await first.listening;
    const path = join(cwd, '.fides/data/secrets.toml');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    secrets = (parse(readFileSync(path, 'utf8')) as { security: Record<string, string> }).security;
    expect(first.output()).toContain(`"path":"${path}"`);
    expect(first.output()).not.toContain(secrets.oauth_root_client_secret);
    expect(first.output()).not.toContain(secrets.app_encryption_key);

    const response = await grant(port, secrets.oauth_root_client_id!, secrets.oauth_root_client_secret!);
    expect(response.status).toBe(200);
    token = ((await response.json()) as { access_token: string }).access_token;
    expect(first.output()).not.toContain(token);
  });

  it('refuses a second process on the same data folder with a clear message', async () => {
    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(
      new RegExp(`cannot start: the embedded database in ${join(cwd, '.fides/data')} is in use by process \\d+; stop that process`),
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
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/oauth/token',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        },
      );
      req.on('error', reject);
      // Half the body now, the rest after the signal: the request is in flight when SIGTERM arrives.
      req.write(body.slice(0, 20));
      setTimeout(() => {
        first.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(20)), 500);
      }, 200);
    });
    const signalled = Date.now();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ token_type: 'Bearer' });
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(await first.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(first.output()).toContain('"msg":"shutting down"');
  });

  it('keeps issued tokens valid across a restart', async () => {
    const again = start();
    const newPort = await again.listening;
    const response = await fetch(`http://127.0.0.1:${newPort}/api/v1/oauth/scope`, { headers: { Authorization: `Bearer ${token}` } });
    // Same data folder, so the same signing key, issuer and root client: the old token still works.
    expect(response.status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
