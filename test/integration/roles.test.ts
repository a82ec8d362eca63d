import { describe, expect, it } from 'vitest';
import { ROLE_REGISTRY, SCOPE_REGISTRY } from '../../src/access/index.js';
import { bearer, callJson, clientWithToken, graphql, postToken, tokenFor } from '../helpers/oauth.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Fides' roles: the registry, readable with scope:read as Fides guards it, and the roles clients hold.
const t = useTestApp();

describe('GET /api/v1/oauth/role', () => {
  it('answers Fides’ shape: each role’s name, in Fides’ order, with its sorted scopes', async () => {
    const { token } = await clientWithToken(t.app, ['scope:read'], { creator: t.root });
    const response = await callJson(t.app, 'GET', '/api/v1/oauth/role', token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string[]>;
    expect(Object.keys(body)).toEqual([
      'owner',
      'viewer_and_approver',
      'viewer',
      'approver',
      'contributor',
      'data_steward',
      'respondent',
      'external_respondent',
    ]);
    expect(body).toEqual(Object.fromEntries(ROLE_REGISTRY.map((role) => [role.name, role.scopes])));
  });

  it('needs a token holding scope:read', async () => {
    const anonymous = await callJson(t.app, 'GET', '/api/v1/oauth/role', null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const { token } = await clientWithToken(t.app, ['client:read'], { creator: t.root });
    const forbidden = await callJson(t.app, 'GET', '/api/v1/oauth/role', token);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({
      detail: 'Not Authorized for this action. Required scope(s): [scope:read]',
    });
  });
});

describe('Query.roles', () => {
  it('is the same registry, as a list of {name, scopes}', async () => {
    const { token } = await clientWithToken(t.app, ['scope:read'], { creator: t.root });
    const { status, body } = await graphql(t.app, '{ roles { name scopes } }', {}, bearer(token));
    expect(status).toBe(200);
    expect(body).toEqual({ data: { roles: ROLE_REGISTRY.map(({ name, scopes }) => ({ name, scopes })) } });
  });

  it('fails alone, FORBIDDEN, without scope:read', async () => {
    const { token } = await clientWithToken(t.app, ['client:read'], { creator: t.root });
    const { status, body } = await graphql(t.app, '{ roles { name } viewer { clientId } }', {}, bearer(token));
    expect(status).toBe(200);
    expect(body.data).toEqual({ roles: null, viewer: { clientId: expect.any(String) } });
    expect(body.errors?.map((error) => [error.path, error.extensions])).toEqual([
      [['roles'], { code: 'FORBIDDEN', requiredScopes: ['scope:read'] }],
    ]);
  });
});

// Clients hold roles besides scopes; each role stands for its scopes, on every check.
const ROLE_NAMES =
  'owner, viewer_and_approver, viewer, approver, contributor, data_steward, respondent, external_respondent';
const scopesOf = (role: string) => ROLE_REGISTRY.find((entry) => entry.name === role)!.scopes;
/** The registry's scopes that `keep` holds, in registry order. */
const inRegistryOrder = (keep: Iterable<string>) => {
  const wanted = new Set(keep);
  return SCOPE_REGISTRY.filter((scope) => wanted.has(scope));
};
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const viewerOf = async (token: string) =>
  (await graphql(t.app, '{ viewer { scopes roles } }', {}, bearer(token))).body.data?.viewer as {
    scopes: string[];
    roles: string[];
  };

async function createWith(body: unknown, token = t.root): Promise<{ client_id: string; client_secret: string }> {
  const response = await callJson(t.app, 'POST', '/api/v1/oauth/client', token, body);
  expect(response.status).toBe(200);
  return (await response.json()) as { client_id: string; client_secret: string };
}

describe('client roles, stored and shown', () => {
  it('are set on create, shown by GET and the list after the scopes, and changed by PUT', async () => {
    const { client_id } = await createWith({ scopes: ['client:read'], roles: ['viewer', 'approver', 'viewer'] });
    const path = `/api/v1/oauth/client/${client_id}`;
    expect(await (await callJson(t.app, 'GET', path, t.root)).json()).toEqual({
      client_id,
      name: null,
      description: null,
      scopes: ['client:read'],
      roles: ['viewer', 'approver'],
    });
    const list = (await (await callJson(t.app, 'GET', '/api/v1/oauth/client?size=1', t.root)).json()) as {
      items: unknown[];
    };
    expect(list.items).toEqual([
      { client_id, name: null, description: null, scopes: ['client:read'], roles: ['viewer', 'approver'] },
    ]);

    // Left out or null: unchanged; a list replaces them.
    const kept = await callJson(t.app, 'PUT', path, t.root, { name: 'reports', roles: null });
    expect(await kept.json()).toMatchObject({ name: 'reports', roles: ['viewer', 'approver'] });
    const replaced = await callJson(t.app, 'PUT', path, t.root, { roles: ['external_respondent'] });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toEqual({
      client_id,
      name: 'reports',
      description: null,
      scopes: ['client:read'],
      roles: ['external_respondent'],
    });
    // Setting the scopes leaves the roles, and GET …/scope shows the direct scopes only, as Fides does.
    expect((await callJson(t.app, 'PUT', `${path}/scope`, t.root, ['policy:read'])).status).toBe(200);
    expect(await (await callJson(t.app, 'GET', `${path}/scope`, t.root)).json()).toEqual(['policy:read']);
    expect(await (await callJson(t.app, 'GET', path, t.root)).json()).toMatchObject({
      scopes: ['policy:read'],
      roles: ['external_respondent'],
    });
  });

  it('are none for a client created from a bare list of scopes or without a body', async () => {
    const bare = await createWith(['policy:read']);
    expect(await (await callJson(t.app, 'GET', `/api/v1/oauth/client/${bare.client_id}`, t.root)).json()).toMatchObject(
      { scopes: ['policy:read'], roles: [] },
    );
  });

  it('refuses unknown role names with 422, on create and update, and a non-list with a located 422', async () => {
    const invalid = { detail: `Invalid Role. Roles must be one of [${ROLE_NAMES}].` };
    const created = await callJson(t.app, 'POST', '/api/v1/oauth/client', t.root, { roles: ['viewer', 'admin'] });
    expect(created.status).toBe(422);
    expect(await created.json()).toEqual(invalid);
    const { client_id } = await createWith({});
    const updated = await callJson(t.app, 'PUT', `/api/v1/oauth/client/${client_id}`, t.root, { roles: ['Owner'] });
    expect(updated.status).toBe(422);
    expect(await updated.json()).toEqual(invalid);
    const shape = await callJson(t.app, 'POST', '/api/v1/oauth/client', t.root, { roles: 'viewer' });
    expect(shape.status).toBe(422);
    expect(await shape.json()).toEqual({
      detail: [{ loc: ['body', 'roles'], msg: 'Input should be a valid list', type: 'list_type' }],
    });
  });

  it('GraphQL: createClient(roles:), updateClient(roles:), Client.roles, and BAD_USER_INPUT for an unknown role', async () => {
    const created = await graphql(
      t.app,
      'mutation { createClient(scopes: ["policy:read"], roles: ["respondent"]) { clientId client { scopes roles } } }',
      {},
      bearer(t.root),
    );
    const { clientId, client } = (created.body.data as { createClient: { clientId: string; client: unknown } })
      .createClient;
    expect(client).toEqual({ scopes: ['policy:read'], roles: ['respondent'] });
    const updated = await graphql(
      t.app,
      'mutation($id: ID!) { updateClient(clientId: $id, roles: ["viewer", "approver"]) { roles } }',
      { id: clientId },
      bearer(t.root),
    );
    expect(updated.body).toEqual({ data: { updateClient: { roles: ['viewer', 'approver'] } } });
    const read = await graphql(t.app, '{ client(clientId: "' + clientId + '") { roles } }', {}, bearer(t.root));
    expect(read.body).toEqual({ data: { client: { roles: ['viewer', 'approver'] } } });
    const unknown = await graphql(t.app, 'mutation { createClient(roles: ["root"]) { clientId } }', {}, bearer(t.root));
    expect(unknown.body.errors?.map((error) => [error.message, error.extensions])).toEqual([
      [`Invalid Role. Roles must be one of [${ROLE_NAMES}].`, { code: 'BAD_USER_INPUT' }],
    ]);
  });
});

describe('tokens of a client with roles', () => {
  it('carry its scopes and its roles; the grant and the caller’s effective scopes include the roles’ scopes', async () => {
    const client = await createWith({ scopes: ['client:create'], roles: ['viewer'] });
    const response = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    expect(response.status).toBe(200);
    const grant = (await response.json()) as { access_token: string; scope: string };
    const effective = ['client:create', ...inRegistryOrder(scopesOf('viewer'))];
    expect(grant.scope).toBe(effective.join(' '));
    // The token stays small: the role's name, not its 30 scopes.
    expect(claimsOf(grant.access_token)).toMatchObject({ scope: 'client:create', roles: ['viewer'] });
    expect(await viewerOf(grant.access_token)).toEqual({ scopes: effective, roles: ['viewer'] });
    // scope:read comes from the role alone.
    expect((await callJson(t.app, 'GET', '/api/v1/oauth/scope', grant.access_token)).status).toBe(200);
  });

  it('carry no roles claim when the client has no roles, as before roles existed', async () => {
    const { token } = await clientWithToken(t.app, ['policy:read'], { creator: t.root });
    expect(Object.keys(claimsOf(token)).sort()).toEqual([
      'aud',
      'client_id',
      'exp',
      'iat',
      'iss',
      'jti',
      'scope',
      'sub',
    ]);
  });

  it('for the root client carry every scope and Fides’ root role, owner', async () => {
    expect(claimsOf(t.root)).toMatchObject({ scope: SCOPE_REGISTRY.join(' '), roles: ['owner'] });
    expect(await viewerOf(t.root)).toEqual({ scopes: [...SCOPE_REGISTRY], roles: ['owner'] });
  });

  it('lose a role’s scopes at once when the client loses the role, and never gain a role added later', async () => {
    const client = await createWith({ roles: ['viewer'] });
    const token = await tokenFor(t.app, client.client_id, client.client_secret);
    const path = `/api/v1/oauth/client/${client.client_id}`;
    expect((await callJson(t.app, 'GET', '/api/v1/oauth/scope', token)).status).toBe(200);

    await callJson(t.app, 'PUT', path, t.root, { roles: ['approver'] });
    const after = await callJson(t.app, 'GET', '/api/v1/oauth/scope', token);
    expect(after.status).toBe(403);
    expect(await viewerOf(token)).toEqual({ scopes: [], roles: [] });

    // Given back, the role counts again: the token was issued with it.
    await callJson(t.app, 'PUT', path, t.root, { roles: ['approver', 'viewer'] });
    expect(await viewerOf(token)).toEqual({ scopes: inRegistryOrder(scopesOf('viewer')), roles: ['viewer'] });
  });

  it('narrowed with scope= carry those scopes and no role, held directly or through a role', async () => {
    const client = await createWith({ scopes: ['client:create'], roles: ['viewer'] });
    const response = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
      scope: 'policy:read client:create',
    });
    const grant = (await response.json()) as { access_token: string; scope: string };
    expect(grant.scope).toBe('client:create policy:read');
    const claims = claimsOf(grant.access_token);
    expect(claims.scope).toBe('client:create policy:read');
    expect(claims).not.toHaveProperty('roles');
    expect(await viewerOf(grant.access_token)).toEqual({ scopes: ['client:create', 'policy:read'], roles: [] });
    expect((await callJson(t.app, 'GET', '/api/v1/oauth/scope', grant.access_token)).status).toBe(403);

    const refused = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
      scope: 'policy:read policy:delete',
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_scope' });

    // A scope held through a role goes when the role goes.
    await callJson(t.app, 'PUT', `/api/v1/oauth/client/${client.client_id}`, t.root, { roles: [] });
    expect(await viewerOf(grant.access_token)).toEqual({ scopes: ['client:create'], roles: [] });
  });

  it('introspect with their effective scopes, the roles’ included', async () => {
    const client = await createWith({ roles: ['external_respondent'] });
    const token = await tokenFor(t.app, client.client_id, client.client_secret);
    const response = await t.app.fetch('/api/v1/oauth/introspect', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token }),
    });
    expect(await response.json()).toMatchObject({ active: true, scope: 'privacy-request:manual-steps:respond' });
  });
});

describe('least privilege with roles (SPEC §9)', () => {
  it('a non-root caller grants only roles whose every scope it holds, its own roles’ scopes counting', async () => {
    const { token } = await clientWithToken(t.app, ['client:create', 'privacy-request:manual-steps:respond'], {
      creator: t.root,
    });
    expect(
      (await callJson(t.app, 'POST', '/api/v1/oauth/client', token, { roles: ['external_respondent'] })).status,
    ).toBe(200);
    const refused = await callJson(t.app, 'POST', '/api/v1/oauth/client', token, { roles: ['respondent', 'approver'] });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      detail:
        'Cannot assign roles that hold scopes you do not have. Missing scopes: [privacy-request:create, ' +
        'privacy-request:delete, privacy-request:manual-steps:review, privacy-request:read, privacy-request:resume, ' +
        'privacy-request:review, privacy-request:upload_data, privacy-request:view_data, user:read, user:read-own]',
    });

    // A client holding viewer (and client:create) may pass viewer on, and any of its scopes.
    const viewer = await createWith({ scopes: ['client:create', 'client:update'], roles: ['viewer'] });
    const viewerToken = await tokenFor(t.app, viewer.client_id, viewer.client_secret);
    expect(
      (
        await callJson(t.app, 'POST', '/api/v1/oauth/client', viewerToken, {
          scopes: ['policy:read'],
          roles: ['viewer'],
        })
      ).status,
    ).toBe(200);
    const more = await callJson(t.app, 'POST', '/api/v1/oauth/client', viewerToken, { roles: ['data_steward'] });
    expect(more.status).toBe(403);
    expect(await more.json()).toEqual({
      detail:
        'Cannot assign roles that hold scopes you do not have. Missing scopes: ' +
        '[system_integration_link:create_or_update, system_integration_link:delete]',
    });
    // …and on update too.
    const target = await createWith({});
    const update = await callJson(t.app, 'PUT', `/api/v1/oauth/client/${target.client_id}`, viewerToken, {
      roles: ['approver'],
    });
    expect(update.status).toBe(403);
  });

  it('a non-root caller modifies only a client whose roles’ scopes it holds too', async () => {
    const { token } = await clientWithToken(t.app, ['client:update', 'client:read', 'client:delete', 'policy:read'], {
      creator: t.root,
    });
    const target = await createWith({ scopes: ['policy:read'], roles: ['external_respondent'] });
    const missing = {
      detail:
        'Cannot modify a client that holds scopes you do not have. Missing scopes: [privacy-request:manual-steps:respond]',
    };
    for (const [method, suffix, body] of [
      ['PUT', '', { name: 'x' }],
      ['PUT', '/scope', []],
      ['POST', '/secret', undefined],
      ['POST', '/revoke', undefined],
      ['DELETE', '', undefined],
    ] as const) {
      const response = await callJson(t.app, method, `/api/v1/oauth/client/${target.client_id}${suffix}`, token, body);
      expect(response.status, `${method} ${suffix}`).toBe(403);
      expect(await response.json()).toEqual(missing);
    }
    const mutation = await graphql(
      t.app,
      'mutation($id: ID!) { rotateClientSecret(clientId: $id) { clientId } }',
      { id: target.client_id },
      bearer(token),
    );
    expect(mutation.body.errors?.map((error) => [error.message, error.extensions])).toEqual([
      [missing.detail, { code: 'FORBIDDEN' }],
    ]);
    // Once the role is gone, it may.
    await callJson(t.app, 'PUT', `/api/v1/oauth/client/${target.client_id}`, t.root, { roles: [] });
    expect(
      (await callJson(t.app, 'PUT', `/api/v1/oauth/client/${target.client_id}`, token, { name: 'x' })).status,
    ).toBe(200);
  });
});
