import { describe, expect, it, vi } from 'vitest';
import { SCOPE_REGISTRY } from '../../src/access/index.js';
import { bearer, clientWithToken, createClientWith, graphql, tokenFor } from '../helpers/oauth.js';
import { ISSUER, ROOT } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

const t = useTestApp();

function basic(id: string, secret: string) {
  return {
    Authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
  };
}

function form(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return t.app.fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('RFC 8414 metadata', () => {
  it('describes every endpoint from the issuer', async () => {
    const response = await t.app.fetch('/.well-known/oauth-authorization-server');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/api/v1/oauth/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      introspection_endpoint: `${ISSUER}/api/v1/oauth/introspect`,
      revocation_endpoint: `${ISSUER}/api/v1/oauth/revoke`,
      grant_types_supported: ['client_credentials'],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: [...SCOPE_REGISTRY],
      service_documentation: `${ISSUER}/docs`,
    });
  });
});

describe('JWKS', () => {
  it('publishes the public keys with a cache lifetime', async () => {
    const response = await t.app.fetch('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const { keys } = (await response.json()) as { keys: Record<string, string>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toHaveProperty('d');
  });
});

describe('RFC 7662 introspection', () => {
  it('describes an active token to an authenticated client, by Basic or by form', async () => {
    const { token, ...reader } = await clientWithToken(t.app, ['policy:read', 'rule:read'], { creator: t.root });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

    const byBasic = await form('/api/v1/oauth/introspect', { token }, basic(ROOT.clientId, ROOT.clientSecret));
    expect(byBasic.status).toBe(200);
    expect(byBasic.headers.get('cache-control')).toBe('no-store');
    expect(await byBasic.json()).toEqual({
      active: true,
      scope: 'policy:read rule:read',
      client_id: reader.client_id,
      sub: reader.client_id,
      exp: claims.exp,
      iat: claims.iat,
      aud: ISSUER,
      iss: ISSUER,
      jti: claims.jti,
      token_type: 'Bearer',
    });
    // A client may introspect its own tokens, by form too.
    const byForm = await form('/api/v1/oauth/introspect', {
      token,
      client_id: reader.client_id,
      client_secret: reader.client_secret,
    });
    expect(((await byForm.json()) as { active: boolean }).active).toBe(true);
  });

  it('tells another client’s token only to a caller holding client:read (SPEC §9)', async () => {
    const nobody = await createClientWith(t.app, [], t.root);
    const resourceServer = await createClientWith(t.app, ['client:read'], t.root);
    const rootClaims = await form('/api/v1/oauth/introspect', {
      token: t.root,
      client_id: nobody.client_id,
      client_secret: nobody.client_secret,
    });
    expect(rootClaims.status).toBe(200);
    expect(await rootClaims.json()).toEqual({ active: false });
    const seen = await form(
      '/api/v1/oauth/introspect',
      { token: t.root },
      basic(resourceServer.client_id, resourceServer.client_secret),
    );
    expect(await seen.json()).toMatchObject({ active: true, client_id: ROOT.clientId });
  });

  it('reports the effective scopes after narrowing, and inactive after deletion', async () => {
    const { token, ...reader } = await clientWithToken(t.app, ['policy:read', 'rule:read'], { creator: t.root });
    await t.app.fetch(`/api/v1/oauth/client/${reader.client_id}/scope`, {
      method: 'PUT',
      headers: bearer(t.root),
      body: '["rule:read"]',
    });
    const narrowed = await form('/api/v1/oauth/introspect', { token }, basic(ROOT.clientId, ROOT.clientSecret));
    expect(((await narrowed.json()) as { scope: string }).scope).toBe('rule:read');
    await t.app.fetch(`/api/v1/oauth/client/${reader.client_id}`, { method: 'DELETE', headers: bearer(t.root) });
    const gone = await form('/api/v1/oauth/introspect', { token }, basic(ROOT.clientId, ROOT.clientSecret));
    expect(await gone.json()).toEqual({ active: false });
  });

  it.each([['garbage'], ['a.b.c']])('answers {active: false} for %s', async (token) => {
    const response = await form('/api/v1/oauth/introspect', { token }, basic(ROOT.clientId, ROOT.clientSecret));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ active: false });
  });

  it('answers an expired token as inactive', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 11520 * 60_000 + 1000);
      const response = await form(
        '/api/v1/oauth/introspect',
        { token: t.root },
        basic(ROOT.clientId, ROOT.clientSecret),
      );
      expect(await response.json()).toEqual({ active: false });
    } finally {
      vi.useRealTimers();
    }
  });

  it('requires client authentication and a token', async () => {
    const anonymous = await form('/api/v1/oauth/introspect', { token: t.root });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      detail: 'Client authentication failed.',
      error: 'invalid_client',
      error_description: 'Client authentication failed.',
    });
    const wrong = await form('/api/v1/oauth/introspect', { token: t.root }, basic(ROOT.clientId, 'wrong'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="gatehouse"');
    const noToken = await form('/api/v1/oauth/introspect', {}, basic(ROOT.clientId, ROOT.clientSecret));
    expect(noToken.status).toBe(400);
    expect(await noToken.json()).toEqual({
      detail: 'The token parameter is required.',
      error: 'invalid_request',
      error_description: 'The token parameter is required.',
    });
  });
});

describe('RFC 7009 revocation', () => {
  it('lets a client revoke its own token, which then stops working everywhere', async () => {
    const { token, ...client } = await clientWithToken(t.app, ['scope:read'], { creator: t.root });
    const other = await tokenFor(t.app, client.client_id, client.client_secret);

    const response = await form('/api/v1/oauth/revoke', { token }, basic(client.client_id, client.client_secret));
    expect(response.status).toBe(200);
    expect(await response.json()).toBeNull();

    const rest = await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) });
    expect(rest.status).toBe(401);
    expect(rest.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect((await graphql(t.app, '{ viewer { clientId } }', {}, bearer(token))).status).toBe(401);
    const introspected = await form('/api/v1/oauth/introspect', { token }, basic(ROOT.clientId, ROOT.clientSecret));
    expect(await introspected.json()).toEqual({ active: false });
    // Only that token: the client's other tokens still work.
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(other) })).status).toBe(200);
  });

  it("answers 200 but revokes nothing for another client's token, or garbage", async () => {
    const owner = await createClientWith(t.app, ['scope:read'], t.root);
    const intruder = await createClientWith(t.app, [], t.root);
    const token = await tokenFor(t.app, owner.client_id, owner.client_secret);
    const response = await form('/api/v1/oauth/revoke', { token }, basic(intruder.client_id, intruder.client_secret));
    expect(response.status).toBe(200);
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(200);
    const garbage = await form(
      '/api/v1/oauth/revoke',
      { token: 'garbage' },
      basic(intruder.client_id, intruder.client_secret),
    );
    expect(garbage.status).toBe(200);
  });

  it('requires client authentication', async () => {
    const response = await form('/api/v1/oauth/revoke', { token: t.root });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('persists revocations by jti and purges them once the token has expired', async () => {
    const { token, ...client } = await clientWithToken(t.app, [], { creator: t.root });
    await form('/api/v1/oauth/revoke', { token }, basic(client.client_id, client.client_secret));
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string };
    const connection = t.app.db.orm.em.fork().getConnection();
    expect(await connection.execute('select client_id from revoked_token where jti = ?', [jti])).toEqual([
      { client_id: client.client_id },
    ]);

    // A later revocation, once this token would have expired, purges the row.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 11520 * 60_000 + 1000);
      const fresh = await tokenFor(t.app, client.client_id, client.client_secret);
      await form('/api/v1/oauth/revoke', { token: fresh }, basic(client.client_id, client.client_secret));
    } finally {
      vi.useRealTimers();
    }
    expect(await connection.execute('select client_id from revoked_token where jti = ?', [jti])).toEqual([]);
  });

  it('revokeToken in GraphQL revokes the caller’s own token', async () => {
    const { token: caller, ...client } = await clientWithToken(t.app, ['scope:read'], { creator: t.root });
    const target = await tokenFor(t.app, client.client_id, client.client_secret);
    const anonymous = await graphql(t.app, 'mutation($t: String!) { revokeToken(token: $t) }', { t: target });
    expect(anonymous.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });

    const { body } = await graphql(
      t.app,
      'mutation($t: String!) { revokeToken(token: $t) }',
      { t: target },
      bearer(caller),
    );
    expect(body).toEqual({ data: { revokeToken: true } });
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(target) })).status).toBe(401);
    const notMine = await graphql(
      t.app,
      'mutation($t: String!) { revokeToken(token: $t) }',
      { t: t.root },
      bearer(caller),
    );
    expect(notMine.body).toEqual({ data: { revokeToken: false } });
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(t.root) })).status).toBe(200);
  });
});
