import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  callJson,
  clientWithToken,
  createClientWith,
  postToken,
  rootToken,
  tokenFor,
} from '../helpers/oauth.js';
import { freshDatabaseUrl, startTestApp, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';

// `npm run cli -- db copy`: off the embedded database and back, with everything a running system depends on.
const cli = (...args: string[]) =>
  promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url)), ...args],
    { cwd: fileURLToPath(new URL('../../', import.meta.url)), env: { PATH: process.env.PATH ?? '' } },
  );

const status = async (app: TestApp, token: string) =>
  (await app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status;

describe.skipIf(!TEST_DATABASE_URL)('db copy, PGlite → PostgreSQL → PGlite', () => {
  it('moves clients, secrets, keys, revocations and policies: old tokens and secrets keep working', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-copy-'));
    const embedded = `pglite://${join(folder, 'a')}`;
    const postgres = await freshDatabaseUrl();
    const back = `pglite://${join(folder, 'b')}`;
    let app = await startTestApp({ DATABASE_URL: embedded });
    try {
      // What must survive the move.
      const root = await rootToken(app);
      const reader = await clientWithToken(app, ['scope:read', 'client:read'], { creator: root });
      const revokedToken = await tokenFor(app, reader.client_id, reader.client_secret);
      await app.fetch('/api/v1/oauth/revoke', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${Buffer.from(`${reader.client_id}:${reader.client_secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ token: revokedToken }),
      });
      const contained = await clientWithToken(app, ['scope:read'], { creator: root });
      expect((await callJson(app, 'POST', `/api/v1/oauth/client/${contained.client_id}/revoke`, root)).status).toBe(
        200,
      );
      const rotated = await createClientWith(app, ['scope:read'], root);
      const newSecret = (
        (await (await callJson(app, 'POST', `/api/v1/oauth/client/${rotated.client_id}/secret`, root)).json()) as {
          client_secret: string;
        }
      ).client_secret;
      const policy = await callJson(app, 'PATCH', '/api/v1/dsr/policy', root, [
        { name: 'Moved Policy', key: 'moved_policy' },
      ]);
      expect(policy.status).toBe(200);
      const clients = await (await callJson(app, 'GET', '/api/v1/oauth/client?size=100', root)).json();
      const before = {
        policies: await (await callJson(app, 'GET', '/api/v1/dsr/policy?size=100', root)).json(),
        clients,
      };
      await app.close();

      const checkMoved = async (target: TestApp) => {
        expect(await status(target, reader.token)).toBe(200);
        expect(await status(target, revokedToken)).toBe(401);
        expect(await status(target, contained.token)).toBe(401);
        expect(await status(target, root)).toBe(200);
        const grant = (id: string, secret: string) =>
          postToken(target, { grant_type: 'client_credentials', client_id: id, client_secret: secret });
        expect((await grant(reader.client_id, reader.client_secret)).status).toBe(200);
        expect((await grant(rotated.client_id, rotated.client_secret)).status).toBe(401);
        expect((await grant(rotated.client_id, newSecret)).status).toBe(200);
        expect(await (await callJson(target, 'GET', '/api/v1/oauth/client?size=100', root)).json()).toEqual(
          before.clients,
        );
        expect(await (await callJson(target, 'GET', '/api/v1/dsr/policy?size=100', root)).json()).toEqual(
          before.policies,
        );
      };

      const there = await cli('db', 'copy', '--from', embedded, '--to', postgres.url);
      expect(there.stdout).toMatch(/^client: 3 rows$/m);
      expect(there.stdout).toMatch(/^client_revocation: 1 rows$/m);
      expect(there.stdout).toMatch(/^revoked_token: 1 rows$/m);
      expect(there.stdout).toMatch(/^signing_key: 1 rows$/m);
      app = await startTestApp({ DATABASE_URL: postgres.url });
      await checkMoved(app);
      await app.close();

      // A target that already holds something is refused, and left alone; --replace overwrites it.
      await expect(cli('db', 'copy', '--from', embedded, '--to', postgres.url)).rejects.toMatchObject({
        code: 1,
        stderr: 'the target database is not empty (table signing_key has rows): pass --replace to overwrite it\n',
      });
      expect((await cli('db', 'copy', '--from', embedded, '--to', postgres.url, '--replace')).stdout).toMatch(
        /^copied;/m,
      );

      await cli('db', 'copy', '--from', postgres.url, '--to', back);
      app = await startTestApp({ DATABASE_URL: back });
      await checkMoved(app);
    } finally {
      // An app closed already (the failure came between two starts) must not hide the failure with its own.
      await app.close().catch(() => {});
      await postgres.drop();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 180_000);
});
