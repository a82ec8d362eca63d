import { describe, expect, it } from 'vitest';
import { SCOPE_REGISTRY } from '../../src/access/index.js';
import { strippedSignature, tamperedScope } from '../helpers/forgeries.js';
import { bearer, clientWithToken, createClientWith } from '../helpers/oauth.js';
import { useTestApp } from '../helpers/use-test-app.js';

const t = useTestApp();

const INVALID_TOKEN = { detail: 'The access token is invalid or has expired.' };
const REGISTRY_TEXT = `Invalid Scope. Scopes must be one of [${SCOPE_REGISTRY.join(', ')}].`;

function postClient(body: string | undefined, headers: Record<string, string>) {
  return t.app.fetch('/api/v1/oauth/client', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

describe('POST /api/v1/oauth/client', () => {
  it('creates a client from {scopes} and answers exactly client_id and client_secret', async () => {
    const response = await postClient(JSON.stringify({ scopes: ['policy:read', 'rule:read'] }), bearer(t.root));
    expect(response.status).toBe(200);
    // It carries a secret: no cache may keep it (SPEC §9).
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['client_id', 'client_secret']);
    expect(body.client_id).toMatch(/^[0-9a-f]{32}$/);
    // 256 random bits, base64url.
    expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const grant = await t.app.fetch('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: body.client_id!,
        client_secret: body.client_secret!,
      }),
    });
    expect(((await grant.json()) as { scope: string }).scope).toBe('policy:read rule:read');
  });

  it('takes a bare JSON array, as Fides does, and keeps the order given', async () => {
    const created = await createClientWith(t.app, ['rule:read', 'client:read', 'policy:read']);
    const response = await t.app.fetch('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: created.client_id,
        client_secret: created.client_secret,
      }),
    });
    expect(((await response.json()) as { scope: string }).scope).toBe('rule:read client:read policy:read');
  });

  it('creates a client with no scopes when there is no body', async () => {
    const response = await postClient(undefined, bearer(t.root));
    expect(response.status).toBe(200);
    const { client_id, client_secret } = (await response.json()) as Record<string, string>;
    const token = await t.app.fetch('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client_id!,
        client_secret: client_secret!,
      }),
    });
    expect(((await token.json()) as { scope: string }).scope).toBe('');
  });

  it('stores only an argon2id hash of the secret', async () => {
    const created = await createClientWith(t.app, ['policy:read']);
    const rows = await t.app.db.orm.em
      .fork()
      .getConnection()
      .execute('select secret_hash from client where id = ?', [created.client_id]);
    expect(rows[0].secret_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(rows[0].secret_hash).not.toContain(created.client_secret);
  });

  it('answers 401 with a Bearer challenge when no token is sent', async () => {
    const response = await postClient('[]', {});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({
      detail: 'Authentication required: send a bearer access token in the Authorization header.',
    });
  });

  it('answers 401 with a Bearer challenge for a non-Bearer Authorization header', async () => {
    const response = await postClient('[]', { Authorization: 'Basic Zm9vOmJhcg==' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each([
    ['garbage', () => 'not-a-jwt'],
    ['tampered payload', () => tamperedScope(t.root)],
    ['stripped signature', () => strippedSignature(t.root)],
    ['empty bearer', () => ''],
  ])('answers 401 invalid_token for a %s token', async (_name, token) => {
    const response = await postClient('[]', { Authorization: `Bearer ${token()}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toEqual(INVALID_TOKEN);
  });

  it('answers 403 with the required scope when the token lacks client:create', async () => {
    const { token } = await clientWithToken(t.app, ['policy:read', 'rule:read']);
    const response = await postClient('["policy:read"]', bearer(token));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="client:create"');
    expect(await response.json()).toEqual({
      detail: 'Not Authorized for this action. Required scope(s): [client:create]',
    });
  });

  it('refuses scope names outside the registry with 422', async () => {
    const response = await postClient('["policy:read", "not:a-scope"]', bearer(t.root));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ detail: REGISTRY_TEXT });
  });

  it('stops a non-root caller from granting scopes it lacks, and lets it grant those it holds', async () => {
    const { token } = await clientWithToken(t.app, ['client:create', 'policy:read']);
    const escalate = await postClient('["policy:read", "client:delete", "rule:read"]', bearer(token));
    expect(escalate.status).toBe(403);
    expect(await escalate.json()).toEqual({
      detail: 'Cannot assign scopes that you do not have. Missing scopes: [client:delete, rule:read]',
    });
    const allowed = await postClient('["policy:read"]', bearer(token));
    expect(allowed.status).toBe(200);
    const empty = await postClient('[]', bearer(token));
    expect(empty.status).toBe(200);
  });

  it('lets the root client grant any scope', async () => {
    const response = await postClient(JSON.stringify(SCOPE_REGISTRY), bearer(t.root));
    expect(response.status).toBe(200);
  });

  it.each([
    ['malformed JSON', '{"scopes": [', [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }]],
    ['a number', '42', [{ loc: ['body'], msg: 'Input should be a valid list or object', type: 'model_type' }]],
    [
      'a list with a non-string',
      '["policy:read", 7]',
      [{ loc: ['body', 1], msg: 'Input should be a valid string', type: 'string_type' }],
    ],
    [
      'scopes that is not a list',
      '{"scopes": "policy:read"}',
      [{ loc: ['body', 'scopes'], msg: 'Input should be a valid list', type: 'list_type' }],
    ],
    [
      'a name that is not a string',
      '{"name": 5}',
      [{ loc: ['body', 'name'], msg: 'Input should be a valid string', type: 'string_type' }],
    ],
    [
      'a name that is too long',
      JSON.stringify({ name: 'x'.repeat(201) }),
      [{ loc: ['body', 'name'], msg: 'String should have at most 200 characters', type: 'string_too_long' }],
    ],
  ])('answers 422 with a located detail for %s', async (_name, body, detail) => {
    const response = await postClient(body, bearer(t.root));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ detail });
  });
});

describe('GET /api/v1/oauth/scope', () => {
  it('returns the registry in order for scope:read', async () => {
    const { token } = await clientWithToken(t.app, ['scope:read']);
    const response = await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([...SCOPE_REGISTRY]);
  });

  it('answers 403 without scope:read', async () => {
    const { token } = await clientWithToken(t.app, ['policy:read']);
    const response = await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      detail: 'Not Authorized for this action. Required scope(s): [scope:read]',
    });
  });
});

describe('unknown paths', () => {
  it('answers JSON 404 under /api/', async () => {
    const response = await t.app.fetch('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: 'Not Found' });
  });

  it('answers malformed percent-encoding in an id as an unknown path, not a failure', async () => {
    const response = await t.app.fetch('/api/v1/oauth/client/%E0%A4%A', { headers: bearer(t.root) });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: 'Not Found' });
  });

  it('decodes ids in paths', async () => {
    const response = await t.app.fetch('/api/v1/oauth/client/a%20b/scope', { headers: bearer(t.root) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });
});
