import { beforeAll, describe, expect, it } from 'vitest';
import { createClientWith, postToken, rootToken } from '../helpers/oauth.js';
import { ROOT, startTestApp } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

const AUTH_FAILED = {
  detail: 'Client authentication failed.',
  error: 'invalid_client',
  error_description: 'Client authentication failed.',
};

const t = useTestApp({}, { root: false });
let client: { client_id: string; client_secret: string };

beforeAll(async () => {
  client = await createClientWith(t.app, ['policy:read', 'rule:read']);
});

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

describe('POST /api/v1/oauth/token', () => {
  it('grants a token for a form body, as the seed curl sends it', async () => {
    const response = await postToken(t.app, {
      client_id: client.client_id,
      client_secret: client.client_secret,
      grant_type: 'client_credentials',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_at', 'expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 11520 * 60, scope: 'policy:read rule:read' });
    const now = Math.floor(Date.now() / 1000);
    expect(typeof body.access_token).toBe('string');
    // As Fides sends it: an ISO 8601 string, here in UTC with an explicit offset, and the token's own exp.
    expect(body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+00:00$/);
    const expiresAt = Date.parse(body.expires_at as string) / 1000;
    expect(expiresAt).toBeGreaterThanOrEqual(now + 11520 * 60 - 5);
    expect(expiresAt).toBeLessThanOrEqual(now + 11520 * 60);
    const claims = JSON.parse(Buffer.from((body.access_token as string).split('.')[1]!, 'base64url').toString());
    expect(claims.exp).toBe(expiresAt);
  });

  it('accepts a JSON body', async () => {
    const response = await t.app.fetch('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: client.client_secret,
      }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { scope: string }).scope).toBe('policy:read rule:read');
  });

  it('accepts HTTP Basic with form-encoded credentials', async () => {
    const response = await postToken(
      t.app,
      { grant_type: 'client_credentials' },
      { Authorization: basic(client.client_id, client.client_secret) },
    );
    expect(response.status).toBe(200);
  });

  it('gives the root client every scope in the registry, in order', async () => {
    const response = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: ROOT.clientId,
      client_secret: ROOT.clientSecret,
    });
    const { scope } = (await response.json()) as { scope: string };
    const scopes = scope.split(' ');
    expect(scopes).toHaveLength(130);
    expect(scopes[0]).toBe('config:read');
    expect(scopes.at(-1)).toBe('worker-stats:read');
  });

  it('answers an unknown client and a wrong secret identically', async () => {
    const unknown = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: client.client_secret,
    });
    const wrong = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: 'wrong',
    });
    const wrongRoot = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: ROOT.clientId,
      client_secret: 'wrong',
    });
    for (const response of [unknown, wrong, wrongRoot]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual(AUTH_FAILED);
    }
    // The reason is logged for operators, never the secret.
    const reasons = t.app.log.lines
      .filter((line) => line.message === 'client authentication failed')
      .map((line) => (line.fields as { reason: string }).reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['unknown client id', 'wrong secret', 'wrong secret for the root client']),
    );
    for (const line of t.app.log.lines)
      expect((line.fields as { requestId?: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(t.app.log.lines)).not.toContain(client.client_secret);
  });

  it('answers missing credentials (no form data) with 401 invalid_client', async () => {
    const response = await t.app.fetch('/api/v1/oauth/token', { method: 'POST' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(AUTH_FAILED);
  });

  it('challenges with Basic when Basic credentials fail', async () => {
    const response = await postToken(
      t.app,
      { grant_type: 'client_credentials' },
      { Authorization: basic(client.client_id, 'nope') },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="gatehouse"');
    expect(await response.json()).toEqual(AUTH_FAILED);
  });

  it('requires grant_type=client_credentials', async () => {
    const missing = await postToken(t.app, { client_id: client.client_id, client_secret: client.client_secret });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      detail: 'The grant_type parameter is required.',
      error: 'invalid_request',
      error_description: 'The grant_type parameter is required.',
    });
    const other = await postToken(t.app, {
      grant_type: 'password',
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    expect(other.status).toBe(400);
    expect(await other.json()).toEqual({
      detail: 'Only grant_type=client_credentials is supported.',
      error: 'unsupported_grant_type',
      error_description: 'Only grant_type=client_credentials is supported.',
    });
  });

  it('narrows the token to a requested subset of scopes, and refuses scopes the client lacks', async () => {
    const narrowed = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
      scope: 'rule:read',
    });
    expect(((await narrowed.json()) as { scope: string }).scope).toBe('rule:read');

    const refused = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
      scope: 'rule:read client:create',
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      detail: 'The client is not allowed the requested scope(s): [client:create]',
      error: 'invalid_scope',
      error_description: 'The client is not allowed the requested scope(s): [client:create]',
    });
  });

  it('rejects repeated parameters and two authentication methods at once', async () => {
    const repeated = await t.app.fetch('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${client.client_id}&client_id=other&client_secret=x`,
    });
    expect(repeated.status).toBe(400);
    expect(((await repeated.json()) as { error: string }).error).toBe('invalid_request');

    const both = await postToken(
      t.app,
      { grant_type: 'client_credentials', client_secret: client.client_secret },
      { Authorization: basic(client.client_id, client.client_secret) },
    );
    expect(both.status).toBe(400);
    expect(await both.json()).toEqual({
      detail: 'Use one client authentication method: HTTP Basic or client_secret in the body, not both.',
      error: 'invalid_request',
      error_description: 'Use one client authentication method: HTTP Basic or client_secret in the body, not both.',
    });
  });

  it('rejects a repeated parameter in a JSON body as it does in a form, even when JSON.parse would keep the right value last', async () => {
    const { client_id: id, client_secret: secret } = client;
    const cases: [string, string][] = [
      [
        'client_secret',
        `{"grant_type":"client_credentials","client_id":"${id}","client_secret":"wrong","client_secret":"${secret}"}`,
      ],
      // The same name escaped is the same name.
      [
        'client_secret',
        `{"grant_type":"client_credentials","client_id":"${id}","client\\u005fsecret":"wrong","client_secret":"${secret}"}`,
      ],
      [
        'client_id',
        `{"grant_type":"client_credentials","client_id":"${id}","client_id":"${id}","client_secret":"${secret}"}`,
      ],
      [
        'grant_type',
        `{"grant_type":"password","grant_type":"client_credentials","client_id":"${id}","client_secret":"${secret}"}`,
      ],
      [
        'scope',
        `{"grant_type":"client_credentials","scope":"client:create","scope":"rule:read","client_id":"${id}","client_secret":"${secret}"}`,
      ],
      [
        'scope',
        `{"grant_type":"client_credentials","scope":null,"scope":"rule:read","client_id":"${id}","client_secret":"${secret}"}`,
      ],
    ];
    for (const [name, body] of cases) {
      expect(() => JSON.parse(body) as unknown).not.toThrow();
      const response = await t.app.fetch('/api/v1/oauth/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('pragma')).toBe('no-cache');
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(await response.json()).toEqual({
        detail: `The ${name} parameter must not be repeated.`,
        error: 'invalid_request',
        error_description: `The ${name} parameter must not be repeated.`,
      });
    }
  });

  it('ignores repeated names it does not read, and anything repeated inside a JSON value', async () => {
    const response = await t.app.fetch('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body:
        `{"grant_type":"client_credentials","client_id":"${client.client_id}","client_secret":"${client.client_secret}",` +
        '"extra":{"client_secret":"a","client_secret":"b","scope":"client:create"},"extra":[{"grant_type":"x","grant_type":"y"}]}',
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { scope: string }).scope).toBe('policy:read rule:read');
  });

  it('rejects a repeated token in a JSON body at introspection and revocation', async () => {
    const token = await rootToken(t.app);
    for (const path of ['/api/v1/oauth/introspect', '/api/v1/oauth/revoke']) {
      const response = await t.app.fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: basic(client.client_id, client.client_secret) },
        body: JSON.stringify({ token: 'not-a-token' }).replace('{', `{"token":"${token}",`),
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({
        detail: 'The token parameter must not be repeated.',
        error: 'invalid_request',
        error_description: 'The token parameter must not be repeated.',
      });
    }
    // The root token was not revoked by either request.
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
  });

  it('rejects a body that is neither a form nor JSON, and malformed JSON, with invalid_request', async () => {
    const text = await t.app.fetch('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(400);
    expect(((await text.json()) as { error: string }).error).toBe('invalid_request');
    const broken = await t.app.fetch('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({
      detail: 'The request body is not valid JSON.',
      error: 'invalid_request',
      error_description: 'The request body is not valid JSON.',
    });
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const response = await t.app.fetch('/api/v1/oauth/token');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toEqual({ detail: 'Method Not Allowed' });
  });

  it('issues tokens that the server itself accepts', async () => {
    const token = await rootToken(t.app);
    const response = await t.app.fetch('/api/v1/oauth/scope', { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
  });
});

describe('HTTP Basic with characters that need form-encoding', () => {
  it('form-decodes the id and secret (RFC 6749 §2.3.1)', async () => {
    const secret = 'a:b+c%d é/"x" & more=1';
    const special = await startTestApp({
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: 'root id',
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: secret,
    });
    try {
      const encoded = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
      const header = `Basic ${Buffer.from(`${encoded('root id')}:${encoded(secret)}`).toString('base64')}`;
      const response = await postToken(special, { grant_type: 'client_credentials' }, { Authorization: header });
      expect(response.status).toBe(200);
      // Not form-encoded, the same secret does not match.
      const raw = `Basic ${Buffer.from(`root id:${secret}`).toString('base64')}`;
      expect((await postToken(special, { grant_type: 'client_credentials' }, { Authorization: raw })).status).toBe(401);
    } finally {
      await special.close();
    }
  });
});
