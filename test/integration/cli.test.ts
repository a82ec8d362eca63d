import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { freshDatabaseUrl, ROOT, TEST_DATABASE_URL } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';

// `npm run cli -- …` as an operator runs it: its own process, a folder of its own, configured by FIDES__* variables.
// Spawns cost a second or more each (tsx), so each test groups its assertions and runs independent calls together.

const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const CLI = `${ROOT_DIR}src/server/cli.ts`;
const TSX_LOADER = pathToFileURL(`${ROOT_DIR}node_modules/tsx/dist/loader.mjs`).href;

const KEY_A = randomBytes(24).toString('base64');
const KEY_B = randomBytes(24).toString('base64');
const ISSUER = 'http://gatehouse.cli.test';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const cwd = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
const embedded = `pglite://${join(cwd, 'data')}`;
const started: ServerProcess[] = [];
afterAll(() => {
  for (const server of started) server.child.kill('SIGKILL');
  rmSync(cwd, { recursive: true, force: true });
});

function environment(databaseUrl: string, encryptionKey = KEY_A): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: ROOT.clientId,
    FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: ROOT.clientSecret,
    FIDES__SECURITY__APP_ENCRYPTION_KEY: encryptionKey,
    FIDES__SECURITY__OAUTH_ISSUER: ISSUER,
  };
}

/** Starts the CLI; `run` waits for it. The environment is only what is given (plus PATH). */
function startCli(env: Record<string, string>, args: string[]) {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => stdout };
}

const run = (env: Record<string, string>, ...args: string[]) => startCli(env, args).done;
const json = <T>(result: Run): T => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
};

const HEX_ID = /^[0-9a-f]{32}$/;
const ISO_Z = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

async function grant(port: number, id: string, secret: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/v1/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
  });
}
const call = (port: number, token: string, path: string) =>
  fetch(`http://127.0.0.1:${port}${path}`, { headers: { Authorization: `Bearer ${token}` } });

describe('--help and usage errors', () => {
  const env = environment('pglite://memory');

  it('prints the command list, and each command’s usage with its options and an example', async () => {
    const top = await run(env, '--help');
    expect(top).toMatchObject({ code: 0, stderr: '' });
    const commands = [...top.stdout.matchAll(/^ {2}([a-z]+ [a-z]+) {2,}/gm)].map(([, name]) => name!);
    expect(commands).toEqual([
      'clients create',
      'clients list',
      'clients show',
      'clients update',
      'clients delete',
      'clients rotate',
      'clients revoke',
      'audit tail',
      'keys list',
      'keys rotate',
      'keys reencrypt',
      'db copy',
    ]);
    expect((await run(env)).stdout).toBe(top.stdout);
    const helps = await Promise.all(commands.map((command) => run(env, ...command.split(' '), '-h')));
    helps.forEach((help, index) => {
      expect(help.code, commands[index]).toBe(0);
      expect(help.stderr, commands[index]).toBe('');
      expect(help.stdout, commands[index]).toMatch(
        new RegExp(`^Usage: npm run cli -- ${commands[index]} .*\\[--json\\]\\n`),
      );
      expect(help.stdout, commands[index]).toContain('\n      --json ');
      expect(help.stdout, commands[index]).toContain('\n  -h, --help ');
      expect(help.stdout, commands[index]).toMatch(new RegExp(`\\nExamples?:\\n  npm run cli -- ${commands[index]}`));
    });
    expect(helps[0]!.stdout).toContain(
      'Usage: npm run cli -- clients create [--scope SCOPE]... [--role ROLE]... [--name NAME] [--description TEXT] [--json]\n',
    );
    expect(helps[0]!.stdout).toContain('      --scope SCOPE       A scope to grant; repeat for more.\n');
    expect(helps[7]!.stdout).toContain('  -f, --follow         Keep printing new events until Ctrl-C.\n');
  });

  it('refuses an unknown command, an unknown option and a missing argument with the usage on stderr, exit 2', async () => {
    const [command, option, missing, badNumber] = await Promise.all([
      run(env, 'clients', 'shred'),
      run(env, 'clients', 'list', '--colour'),
      run(env, 'clients', 'show'),
      run(env, 'clients', 'list', '--size', 'ten'),
    ]);
    expect(command).toMatchObject({ code: 2, stdout: '' });
    expect(command.stderr).toMatch(/^unknown command: clients shred\n\nUsage: npm run cli -- <command> \[options\]\n/);
    expect(option).toMatchObject({ code: 2, stdout: '' });
    expect(option.stderr).toMatch(
      /^clients list: Unknown option '--colour'\. .*\n\nUsage: npm run cli -- clients list /,
    );
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(
      /^clients show: missing argument: <client_id>\n\nUsage: npm run cli -- clients show /,
    );
    expect(badNumber).toEqual({ code: 2, stdout: '', stderr: 'clients list: --size: a whole number, 1 or more\n' });
  });
});

// The embedded database: in this process while no server runs, through the server while one holds the folder.
describe.skipIf(TEST_DATABASE_URL)('on the embedded database', () => {
  const env = environment(embedded);
  const clientA = { id: '', secret: '', firstSecret: '' };
  const clientB = { id: '', secret: '' };
  let rootTokenBefore = '';
  let followedToken = '';
  let server: ServerProcess;
  let port: number;

  it('manages clients and keys in this process while no server runs (human output)', async () => {
    const created = await run(
      env,
      'clients',
      'create',
      '--scope',
      'client:read',
      '--scope',
      'policy:read',
      '--name',
      'reporting',
      '-v',
    );
    expect(created.code).toBe(0);
    expect(created.stderr).toBe('via the API in this process\n');
    const [, id, secret] =
      /^created client (\w+)\nclient_id: {5}\1\nclient_secret: (\S+)\nStore the secret now: it is shown this once, and only its hash is kept\.\n$/.exec(
        created.stdout,
      )!;
    expect(id).toMatch(HEX_ID);
    Object.assign(clientA, { id, secret, firstSecret: secret });

    const second = json<{ client_id: string; client_secret: string }>(
      await run(env, 'clients', 'create', '--scope', 'scope:read', '--role', 'viewer', '--json'),
    );
    expect(Object.keys(second).sort()).toEqual(['client_id', 'client_secret']);
    Object.assign(clientB, { id: second.client_id, secret: second.client_secret });

    const listed = await run(env, 'clients', 'list');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout.split('\n')[0]).toMatch(/^CLIENT_ID +NAME +SCOPES +ROLES$/);
    expect(listed.stdout).toMatch(new RegExp(`\\n${clientA.id}  reporting  client:read policy:read  -\\n`));
    expect(listed.stdout).toMatch(new RegExp(`\\n${clientB.id}  - +scope:read +viewer\\n`));
    expect(listed.stdout).toMatch(/\npage 1 of 1, 2 clients\n$/);

    const shown = await run(env, 'clients', 'show', clientA.id);
    expect(shown).toEqual({
      code: 0,
      stderr: '',
      stdout:
        `client_id    ${clientA.id}\nname         reporting\ndescription  -\n` +
        'scopes       client:read policy:read\nroles        -\n',
    });

    const updated = await run(
      env,
      'clients',
      'update',
      clientA.id,
      '--scope',
      'policy:read',
      '--name',
      'reporting-v2',
      '--description',
      'nightly',
    );
    expect(updated).toEqual({
      code: 0,
      stderr: '',
      stdout:
        `updated client ${clientA.id}\nclient_id    ${clientA.id}\nname         reporting-v2\ndescription  nightly\n` +
        'scopes       policy:read\nroles        -\n',
    });

    const rotated = await run(env, 'clients', 'rotate', clientA.id);
    expect(rotated.code).toBe(0);
    const [, newSecret] = new RegExp(
      `^new secret for client ${clientA.id}\\nclient_id: {5}${clientA.id}\\nclient_secret: (\\S+)\\nStore the secret now`,
    ).exec(rotated.stdout)!;
    expect(newSecret).not.toBe(clientA.secret);
    clientA.secret = newSecret!;

    const keys = await run(env, 'keys', 'list');
    expect(keys).toMatchObject({ code: 0, stderr: '' });
    expect(keys.stdout).toMatch(new RegExp(`^[0-9a-f-]{36}  ${ISO_Z}  signing\\n$`));
    const rotation = await run(env, 'keys', 'rotate', '--activate-in', '3600');
    expect(rotation).toMatchObject({ code: 0, stderr: '' });
    expect(rotation.stdout).toMatch(
      new RegExp(
        `^new signing key ([0-9a-f-]{36}): published now, signs from (${ISO_Z})\\n` +
          `[0-9a-f-]{36}  ${ISO_Z}  signing\\n\\1  \\2  pending\\n$`,
      ),
    );

    const tail = await run(env, 'audit', 'tail', '--size', '4');
    expect(tail).toMatchObject({ code: 0, stderr: '' });
    const lines = tail.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^AT +ACTION +ACTOR +CLIENT +IP +DETAILS$/);
    // Oldest first, newest at the bottom, as `tail` prints a log.
    expect(lines.slice(1).map((line) => line.split(/ {2,}/).slice(1, 4))).toEqual([
      ['client.created', ROOT.clientId, clientB.id],
      ['client.updated', ROOT.clientId, clientA.id],
      ['client.secret_rotated', ROOT.clientId, clientA.id],
      ['signing_key.rotated', ROOT.clientId, '-'],
    ]);
  }, 120_000);

  it('goes through the running server when it holds the folder (--json output)', async () => {
    server = startServerProcess(cwd, env);
    started.push(server);
    port = await server.listening;
    // The server recorded where it listens beside its pid, for the CLI.
    expect(readFileSync(join(cwd, 'data/gatehouse.lock'), 'utf8')).toBe(
      `${server.child.pid}\nhttp://127.0.0.1:${port}\n`,
    );
    rootTokenBefore = ((await (await grant(port, ROOT.clientId, ROOT.clientSecret)).json()) as { access_token: string })
      .access_token;

    // The rotated secret works at the token endpoint, the first one no more.
    expect((await grant(port, clientA.id, clientA.firstSecret)).status).toBe(401);
    const tokenA = ((await (await grant(port, clientA.id, clientA.secret)).json()) as { access_token: string })
      .access_token;

    const [list, show, keys, verbose] = await Promise.all([
      run(env, 'clients', 'list', '--size', '1', '--json'),
      run(env, 'clients', 'show', clientA.id, '--json'),
      run(env, 'keys', 'list', '--json'),
      run(env, 'clients', 'show', clientB.id, '-v'),
    ]);
    expect(json(list)).toEqual({
      items: [{ client_id: clientB.id, name: null, description: null, scopes: ['scope:read'], roles: ['viewer'] }],
      total: 2,
      page: 1,
      size: 1,
      pages: 2,
    });
    expect(json(show)).toEqual({
      client_id: clientA.id,
      name: 'reporting-v2',
      description: 'nightly',
      scopes: ['policy:read'],
      roles: [],
    });
    expect(json<{ state: string }[]>(keys).map((key) => key.state)).toEqual(['signing', 'pending']);
    expect(verbose).toMatchObject({ code: 0, stderr: `via http://127.0.0.1:${port}\n` });

    const updated = json(
      await run(env, 'clients', 'update', clientB.id, '--clear-roles', '--scope', 'client:read', '--json'),
    );
    expect(updated).toEqual({
      client_id: clientB.id,
      name: null,
      description: null,
      scopes: ['client:read'],
      roles: [],
    });
    const rotatedB = json<{ client_id: string; client_secret: string }>(
      await run(env, 'clients', 'rotate', clientB.id, '--json'),
    );
    expect(rotatedB.client_id).toBe(clientB.id);
    expect((await grant(port, clientB.id, clientB.secret)).status).toBe(401);
    expect((await grant(port, clientB.id, rotatedB.client_secret)).status).toBe(200);

    const keyRotation = json<{
      kid: string;
      activates_at: string;
      removed: string[];
      keys: { kid: string; state: string }[];
    }>(await run(env, 'keys', 'rotate', '--now', '--json'));
    expect(keyRotation.activates_at).toMatch(/\+00:00$/);
    expect(keyRotation.keys.find((key) => key.kid === keyRotation.kid)?.state).toBe('signing');
    // The server publishes it at once: it rotated it.
    const jwks = (await (await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((key) => key.kid)).toContain(keyRotation.kid);

    // Containment: revoke, then delete; both through the server, the tokens stop working there at once.
    expect((await call(port, tokenA, '/api/v1/dsr/policy')).status).toBe(200);
    const revoked = await run(env, 'clients', 'revoke', clientA.id);
    expect(revoked).toMatchObject({ code: 0, stderr: '' });
    expect(revoked.stdout).toMatch(
      new RegExp(`^client ${clientA.id}: every token issued up to ${ISO_Z} is revoked\\n$`),
    );
    expect((await call(port, tokenA, '/api/v1/dsr/policy')).status).toBe(401);
    const revokedB = json<{ revoked_before: string }>(await run(env, 'clients', 'revoke', clientB.id, '--json'));
    expect(Object.keys(revokedB)).toEqual(['revoked_before']);

    const [deletedA, deletedB] = await Promise.all([
      run(env, 'clients', 'delete', clientA.id),
      run(env, 'clients', 'delete', clientB.id, '--json'),
    ]);
    expect(deletedA).toEqual({
      code: 0,
      stderr: '',
      stdout: `deleted client ${clientA.id} (if it existed); its tokens no longer work\n`,
    });
    expect(deletedB).toEqual({ code: 0, stderr: '', stdout: 'null\n' });

    // The API's refusals, as the API words them: exit 1, the detail on stderr, nothing on stdout.
    const [gone, badScope, root, reencrypt] = await Promise.all([
      run(env, 'clients', 'show', clientA.id, '--json'),
      run(env, 'clients', 'create', '--scope', 'no:such-scope'),
      run(env, 'clients', 'revoke', '--root'),
      run(env, 'keys', 'reencrypt', '--from-key', KEY_B),
    ]);
    expect(gone).toEqual({ code: 1, stdout: '', stderr: 'No client found with that id\n' });
    expect(badScope).toMatchObject({ code: 1, stdout: '' });
    expect(badScope.stderr).toMatch(/^Invalid Scope\. Scopes must be one of \[config:read, .*\]\.\n$/);
    const folder = join(cwd, 'data');
    for (const [result, what] of [
      [root, 'revoking the root client’s tokens'],
      [reencrypt, 're-encrypting the signing keys'],
    ] as const) {
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr:
          `${what} works on the database itself, not through the API, and the embedded database in ${folder} is in ` +
          `use by process ${server.child.pid}: stop the server, run this command again, then start the server\n`,
      });
    }

    // The trail of all that, filtered to one client, oldest first; as JSON, the API's page, newest first.
    const trail = await run(env, 'audit', 'tail', '--client-id', clientA.id);
    expect(
      trail.stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/ {2,}/)[1]),
    ).toEqual(['client.created', 'client.updated', 'client.secret_rotated', 'client.tokens_revoked', 'client.deleted']);
    const page = json<{ items: { action: string; client_id: string; ip: string }[]; total: number }>(
      await run(env, 'audit', 'tail', '--client-id', clientA.id, '--size', '2', '--json'),
    );
    expect(page.total).toBe(5);
    expect(page.items.map((event) => event.action)).toEqual(['client.deleted', 'client.tokens_revoked']);
    // Through the server, the events carry the CLI's address.
    expect(page.items[0]!.ip).toBe('127.0.0.1');
  }, 180_000);

  it('follows the audit trail until Ctrl-C', async () => {
    const follow = startCli(env, ['audit', 'tail', '--action', 'client.created', '--size', '1', '--follow', '--json']);
    await eventually(() => follow.output().includes('"action":"client.created"'), 20_000);
    const created = json<{ client_id: string; client_secret: string }>(
      await run(env, 'clients', 'create', '--name', 'followed', '--scope', 'scope:read', '--json'),
    );
    followedToken = (
      (await (await grant(port, created.client_id, created.client_secret)).json()) as { access_token: string }
    ).access_token;
    await eventually(() => follow.output().includes(created.client_id), 20_000);
    follow.child.kill('SIGINT');
    const result = await follow.done;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    // JSON Lines: the newest event before, then the new one, once.
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { client_id: string; action: string });
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ action: 'client.created', client_id: created.client_id });
  }, 60_000);

  it('moves the signing keys to a new app_encryption_key: the server names the command, and tokens survive', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    // Key B configured over keys sealed with A: the start stops, naming the command.
    const envB = environment(embedded, KEY_B);
    const refused = startServerProcess(cwd, envB);
    started.push(refused);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain(
      'run `npm run cli -- keys reencrypt --from-key <old key>` with the server stopped',
    );

    const wrongKey = randomBytes(24).toString('base64');
    const keyFile = join(cwd, 'old-key.txt');
    writeFileSync(keyFile, `${KEY_A}\n`, { mode: 0o600 });
    const wrong = await run(envB, 'keys', 'reencrypt', '--from-key', wrongKey);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(
      /^signing key [0-9a-f-]{36} opens neither with --from-key nor with the configured app_encryption_key; nothing was changed\n$/,
    );
    expect(wrong.stderr).not.toContain(wrongKey);
    const tooShort = await run(envB, 'keys', 'reencrypt', '--from-key', 'short');
    expect(tooShort).toEqual({
      code: 2,
      stdout: '',
      stderr: 'keys reencrypt: the old key must be 32 characters, as app_encryption_key is\n',
    });

    const moved = await run(envB, 'keys', 'reencrypt', '--from-key-file', keyFile);
    expect(moved).toMatchObject({ code: 0, stderr: '' });
    expect(moved.stdout).toMatch(
      /^re-encrypted 3 signing key\(s\) with the configured app_encryption_key; 0 already were\n(re-encrypted [0-9a-f-]{36}\n){3}$/,
    );
    // Again: nothing left to do, and it says so.
    const again = json<{ reencrypted: string[]; unchanged: string[] }>(
      await run(envB, 'keys', 'reencrypt', '--from-key', KEY_A, '--json'),
    );
    expect(again.reencrypted).toEqual([]);
    expect(again.unchanged).toHaveLength(3);

    // The root client's tokens, in the database itself while the server is stopped.
    const rootRevoked = json<{ root: boolean; revoked_before: string }>(
      await run(envB, 'clients', 'revoke', '--root', '--json'),
    );
    expect(rootRevoked).toEqual({ root: true, revoked_before: expect.stringMatching(new RegExp(`^${ISO_Z}$`)) });

    const restarted = startServerProcess(cwd, envB);
    started.push(restarted);
    const newPort = await restarted.listening;
    // A token signed before the move still verifies: the keys are the same, only their sealing changed.
    expect((await call(newPort, followedToken, '/api/v1/oauth/scope')).status).toBe(200);
    expect((await call(newPort, rootTokenBefore, '/api/v1/oauth/keys')).status).toBe(401);
    const rootAfter = (
      (await (await grant(newPort, ROOT.clientId, ROOT.clientSecret)).json()) as { access_token: string }
    ).access_token;
    expect((await call(newPort, rootAfter, '/api/v1/oauth/keys')).status).toBe(200);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  }, 120_000);
});

// On PostgreSQL nothing is locked: the CLI works in this process beside a running server, which hears of the changes.
describe.skipIf(!TEST_DATABASE_URL)('on PostgreSQL', () => {
  it('works in this process while a server runs on the same database', async () => {
    const database = await freshDatabaseUrl();
    try {
      const env = environment(database.url);
      const server = startServerProcess(cwd, env);
      started.push(server);
      const port = await server.listening;
      const created = await run(env, 'clients', 'create', '--scope', 'policy:read', '--json', '-v');
      expect(created.stderr).toBe('via the API in this process\n');
      const { client_id, client_secret } = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
      const token = ((await (await grant(port, client_id, client_secret)).json()) as { access_token: string })
        .access_token;
      expect((await call(port, token, '/api/v1/dsr/policy')).status).toBe(200);
      expect(await run(env, 'clients', 'revoke', client_id, '--json')).toMatchObject({ code: 0, stderr: '' });
      await eventually(async () => (await call(port, token, '/api/v1/dsr/policy')).status === 401, 5_000);
      server.child.kill('SIGTERM');
      await server.exited;
    } finally {
      await database.drop();
    }
  }, 120_000);
});
