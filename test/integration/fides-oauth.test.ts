import { describe, expect, it } from 'vitest';
import { ROLE_REGISTRY, SCOPE_REGISTRY } from '../../src/access/index.js';
import { forger } from '../helpers/forgeries.js';
import { bearer, callJson, createClientWith, graphql, postToken, tokenFor } from '../helpers/oauth.js';
import { ISSUER, ROOT } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Fides' own endpoint tests for the OAuth routes (tests/ops/api/v1/endpoints/test_oauth_endpoints.py in ethyca/fides,
// at 96aa40c), re-expressed one by one: each `describe` is a Fides test class and each `it` a Fides test of the same
// name, with the same request, asserting the exact status and body in our words.
//
// How Fides' fixtures translate:
// - `oauth_client` is a client holding every scope, made afresh for each test: `oauthClient()` below.
// - `generate_auth_header([scopes])` is a token for that client carrying only those scopes: a token granted with
//   `scope=` (`oauth.token([...])`).
// - Fides' tokens are JWE, read back with `extract_payload`; ours are signed JWTs whose claims we decode.
//
// Deliberate differences, each marked at its test:
// - A scope name outside the registry is 422 here (SPEC §6), 403 in Fides.
// - An expired or undecodable token, or one without a client, is 401 `invalid_token` here (SPEC §6), 403 in Fides.
// - SPEC §9: a non-root caller may only modify a client whose every scope it holds. Fides' tests that update, rotate,
//   set the scopes of or delete `oauth_client` with a narrow token of that same all-scope client are re-expressed
//   with a target the caller may modify, and a test beside them shows the refusal on the all-scope client.
// - An update's answer shows the client's details only to a caller holding `client:read` (README, "An update
//   answers only what the caller may read"); Fides shows them to a `client:update`-only caller.
// - The token endpoint requires `grant_type=client_credentials` (SPEC §6, 400 without it); Fides' tests leave it out.
// - Client bodies carry `roles` after Fides' four keys (README, "Client bodies show roles").
// - Fides gives roles to clients through users (`generate_role_header_for_user`); here a client holds the role itself.
//
// Not applicable, and why:
// - TestCallback (test_callback_for_missing_state, test_callback_for_valid_state,
//   test_callback_for_valid_state_with_token_error, test_successful_callback_with_referer,
//   test_failed_callback_with_referer, test_callback_without_referer): `GET /oauth/callback` finishes the OAuth2
//   authorization-code flow of Fides' SaaS connectors (AuthenticationRequest, ConnectionConfig, systems). Gatehouse
//   is an authorization server for machine clients: no connectors, no authorization-code flow, no such route.
const t = useTestApp();

const REGISTRY = [...SCOPE_REGISTRY];
const NOT_AUTHENTICATED = {
  detail: 'Authentication required: send a bearer access token in the Authorization header.',
};
const INVALID_TOKEN = { detail: 'The access token is invalid or has expired.' };
const CLIENT_NOT_FOUND = { detail: 'No client found with that id' };
const INVALID_SCOPE = { detail: `Invalid Scope. Scopes must be one of [${SCOPE_REGISTRY.join(', ')}].` };
const EMPTY_NAME = {
  detail: [{ loc: ['body', 'name'], msg: 'Value error, name must not be empty', type: 'value_error' }],
};
const AUTH_FAILED = {
  detail: 'Client authentication failed.',
  error: 'invalid_client',
  error_description: 'Client authentication failed.',
};
const PRIVILEGED = ['storage:create_or_update', 'messaging:create_or_update', 'user-permission:assign_owners'];

/** Fides' `oauth_client`: a client holding every scope, with Fides' `generate_auth_header` as `token`. */
async function oauthClient() {
  const client = await createClientWith(t.app, REGISTRY, t.root);
  return {
    ...client,
    token: (scopes: readonly string[]) => tokenFor(t.app, client.client_id, client.client_secret, scopes.join(' ')),
  };
}

/** A client a narrow caller may modify (SPEC §9): it holds only `scopes`. */
const modifiableClient = (scopes: string[] = []) => createClientWith(t.app, scopes, t.root);

/** The exact status and body together, so a failure shows both. */
async function expectAnswer(response: Response, status: number, body: unknown): Promise<void> {
  expect({ status: response.status, body: await response.json() }).toEqual({ status, body });
}

async function expectNotAuthenticated(response: Response): Promise<void> {
  expect(response.headers.get('www-authenticate')).toBe('Bearer');
  await expectAnswer(response, 401, NOT_AUTHENTICATED);
}

async function expectInvalidToken(response: Response): Promise<void> {
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  await expectAnswer(response, 401, INVALID_TOKEN);
}

async function expectWrongScope(response: Response, required: string): Promise<void> {
  expect(response.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${required}"`);
  await expectAnswer(response, 403, { detail: `Not Authorized for this action. Required scope(s): [${required}]` });
}

/** SPEC §9's refusal of a caller holding only `held` that changes a client holding every scope. */
async function expectCannotModifyAllScopeClient(response: Response, held: readonly string[]): Promise<void> {
  const missing = REGISTRY.filter((scope) => !held.includes(scope));
  await expectAnswer(response, 403, {
    detail: `Cannot modify a client that holds scopes you do not have. Missing scopes: [${missing.join(', ')}]`,
  });
}

const call = (method: string, path: string, token: string | null, body?: unknown) =>
  callJson(t.app, method, path, token, body);
const clientPath = (id: string) => `/api/v1/oauth/client/${id}`;
/** A client as the root client reads it. */
const readClient = async (id: string) => (await call('GET', clientPath(id), t.root)).json();
const readScopes = async (id: string) => (await call('GET', `${clientPath(id)}/scope`, t.root)).json();
/** What Fides' tests read from the database: the stored secret hash. */
async function storedHash(id: string): Promise<string> {
  const rows = await t.app.db.orm.em
    .fork()
    .getConnection()
    .execute<{ secret_hash: string }[]>('select secret_hash from client where id = ?', [id]);
  return rows[0]!.secret_hash;
}
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const total = async () =>
  ((await (await call('GET', '/api/v1/oauth/client?size=100', t.root)).json()) as { total: number }).total;

describe('TestCreateClient', () => {
  const url = '/api/v1/oauth/client';

  it('test_create_client_not_authenticated', async () => {
    await expectNotAuthenticated(await t.app.fetch(url, { method: 'POST' }));
  });

  it('test_create_client_wrong_scope', async () => {
    const oauth = await oauthClient();
    await expectWrongScope(await call('POST', url, await oauth.token(['client:read'])), 'client:create');
  });

  // Fides: 403. SPEC §6: a token we cannot accept is 401 invalid_token.
  it('test_create_client_lacks_client', async () => {
    const oauth = await oauthClient();
    const forge = forger(() => t.app.keys, {
      issuer: ISSUER,
      audience: ISSUER,
      clientId: oauth.client_id,
      scope: 'client:create',
      lifetimeSeconds: 600,
    });
    // Signed with our own key, as Fides' is encrypted with its own; no client (nor subject), no iat.
    const withoutClient = Object.fromEntries(
      Object.entries(forge.claims()).filter(([claim]) => !['client_id', 'sub', 'iat'].includes(claim)),
    );
    await expectInvalidToken(await call('POST', url, await forge.signed({}, withoutClient)));
    // The same token with its client is accepted: the 401 is about the missing client.
    expect((await call('POST', url, await forge.signed())).status).toBe(200);
  });

  // Fides: 403. SPEC §1 and §6: an expired token is 401 invalid_token.
  it('test_create_client_with_expired_token', async () => {
    const oauth = await oauthClient();
    const forge = forger(() => t.app.keys, {
      issuer: ISSUER,
      audience: ISSUER,
      clientId: oauth.client_id,
      scope: REGISTRY.join(' '),
      lifetimeSeconds: 11520 * 60,
    });
    const issuedAt = Date.UTC(1995, 0, 1) / 1000;
    const expired = await forge.signed({}, forge.claims({ iat: issuedAt, exp: issuedAt + 11520 * 60 }));
    await expectInvalidToken(await call('POST', url, expired));
    // Issued now, the same token is accepted: the 401 is about its age.
    expect((await call('POST', url, await forge.signed())).status).toBe(200);
  });

  it('test_create_client', async () => {
    const oauth = await oauthClient();
    const response = await call('POST', url, await oauth.token(['client:create']));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { client_id: string; client_secret: string };
    expect(Object.keys(body)).toEqual(['client_id', 'client_secret']);
    const hash = await storedHash(body.client_id);
    expect(hash).not.toBe(body.client_secret);
    expect(hash).toMatch(/^\$argon2id\$/);
  });

  it('test_create_client_with_scopes', async () => {
    const oauth = await oauthClient();
    const scopes = ['client:create', 'client:delete', 'client:read'];
    const response = await call('POST', url, await oauth.token(scopes), { scopes });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { client_id: string };
    expect(Object.keys(body)).toEqual(['client_id', 'client_secret']);
    expect(await readScopes(body.client_id)).toEqual(scopes);
  });

  // Fides: 403 (`detail` starts with "Invalid Scope."). SPEC §6: a scope name outside the registry is 422.
  it('test_create_client_with_invalid_scopes', async () => {
    const oauth = await oauthClient();
    const response = await call('POST', url, await oauth.token(['client:create']), { scopes: ['invalid-scope'] });
    await expectAnswer(response, 422, INVALID_SCOPE);
  });

  it('test_create_client_with_name_and_description', async () => {
    const oauth = await oauthClient();
    const response = await call('POST', url, await oauth.token(['client:create']), {
      name: 'My Integration',
      description: 'Used for DSR pipeline',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { client_id: string };
    expect(Object.keys(body)).toEqual(['client_id', 'client_secret']);
    expect(await readClient(body.client_id)).toMatchObject({
      name: 'My Integration',
      description: 'Used for DSR pipeline',
    });
  });

  it('test_create_client_empty_name_rejected', async () => {
    const oauth = await oauthClient();
    await expectAnswer(await call('POST', url, await oauth.token(['client:create']), { name: '' }), 422, EMPTY_NAME);
  });

  // Fides posts no grant_type; SPEC §6 requires grant_type=client_credentials (see TestAcquireAccessToken).
  it('test_create_client_with_root_client', async () => {
    const grant = await postToken(t.app, {
      client_id: ROOT.clientId,
      client_secret: ROOT.clientSecret,
      grant_type: 'client_credentials',
    });
    const jwt = ((await grant.json()) as { access_token: string }).access_token;
    const response = await call('POST', url, jwt);
    expect(response.status).toBe(200);
    expect(Object.keys(await response.json())).toEqual(['client_id', 'client_secret']);
  });
});

describe('TestListClients', () => {
  const url = '/api/v1/oauth/client';

  it('test_list_clients_not_authenticated', async () => {
    await expectNotAuthenticated(await call('GET', url, null));
  });

  it('test_list_clients_wrong_scope', async () => {
    const oauth = await oauthClient();
    await expectWrongScope(await call('GET', url, await oauth.token(['client:create'])), 'client:read');
  });

  it('test_list_clients', async () => {
    const oauth = await oauthClient();
    const response = await call('GET', url, await oauth.token(['client:read']));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: { client_id: string }[]; total: number };
    expect(Object.keys(body)).toEqual(['items', 'total', 'page', 'size', 'pages']);
    // Newest first: the client made for this test is the first item.
    expect(body.items[0]!.client_id).toBe(oauth.client_id);
  });

  // Fides: the keys are exactly {client_id, name, description, scopes}; ours add `roles` (README).
  it('test_list_clients_response_shape', async () => {
    const oauth = await oauthClient();
    const response = await call('GET', url, await oauth.token(['client:read']));
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: { client_id: string }[] };
    expect(items.find((item) => item.client_id === oauth.client_id)).toEqual({
      client_id: oauth.client_id,
      name: null,
      description: null,
      scopes: REGISTRY,
      roles: [],
    });
  });

  it('test_list_clients_excludes_root_client', async () => {
    const oauth = await oauthClient();
    const response = await call('GET', `${url}?size=100`, await oauth.token(['client:read']));
    expect(response.status).toBe(200);
    const { items, total } = (await response.json()) as { items: { client_id: string }[]; total: number };
    expect(items).toHaveLength(total);
    expect(items.map((item) => item.client_id)).not.toContain(ROOT.clientId);
  });
});

describe('TestGetClient', () => {
  it('test_get_client_not_authenticated', async () => {
    const oauth = await oauthClient();
    await expectNotAuthenticated(await call('GET', clientPath(oauth.client_id), null));
  });

  it('test_get_client_wrong_scope', async () => {
    const oauth = await oauthClient();
    await expectWrongScope(
      await call('GET', clientPath(oauth.client_id), await oauth.token(['client:create'])),
      'client:read',
    );
  });

  // Fides' detail is "Client not found."; ours says the same in its own words.
  it('test_get_client_not_found', async () => {
    const oauth = await oauthClient();
    const response = await call('GET', clientPath('nonexistent_client_id'), await oauth.token(['client:read']));
    await expectAnswer(response, 404, CLIENT_NOT_FOUND);
  });

  it('test_get_client_root_client_returns_404', async () => {
    const oauth = await oauthClient();
    const response = await call('GET', clientPath(ROOT.clientId), await oauth.token(['client:read']));
    await expectAnswer(response, 404, CLIENT_NOT_FOUND);
  });

  // Fides: the keys are exactly {client_id, name, description, scopes}; ours add `roles` (README).
  it('test_get_client', async () => {
    const oauth = await oauthClient();
    const response = await call('GET', clientPath(oauth.client_id), await oauth.token(['client:read']));
    await expectAnswer(response, 200, {
      client_id: oauth.client_id,
      name: null,
      description: null,
      scopes: REGISTRY,
      roles: [],
    });
  });
});

describe('TestUpdateClient', () => {
  it('test_update_client_not_authenticated', async () => {
    const oauth = await oauthClient();
    await expectNotAuthenticated(await call('PUT', clientPath(oauth.client_id), null, { name: 'New Name' }));
  });

  it('test_update_client_wrong_scope', async () => {
    const oauth = await oauthClient();
    const response = await call('PUT', clientPath(oauth.client_id), await oauth.token(['client:read']), {
      name: 'New Name',
    });
    await expectWrongScope(response, 'client:update');
  });

  it('test_update_client_not_found', async () => {
    const oauth = await oauthClient();
    const response = await call('PUT', clientPath('nonexistent_client_id'), await oauth.token(['client:update']), {
      name: 'New Name',
    });
    await expectAnswer(response, 404, CLIENT_NOT_FOUND);
  });

  it('test_update_client_root_client_returns_404', async () => {
    const oauth = await oauthClient();
    const response = await call('PUT', clientPath(ROOT.clientId), await oauth.token(['client:update']), {
      name: 'New Name',
    });
    await expectAnswer(response, 404, CLIENT_NOT_FOUND);
  });

  // Fides renames oauth_client itself (SPEC §9: refused, see below) and answers the new name to a caller without
  // client:read; ours answers the details as null to such a caller. The root client reads the new name.
  it('test_update_client_name', async () => {
    const oauth = await oauthClient();
    const target = await modifiableClient();
    const response = await call('PUT', clientPath(target.client_id), await oauth.token(['client:update']), {
      name: 'Updated Integration Name',
    });
    await expectAnswer(response, 200, {
      client_id: target.client_id,
      name: null,
      description: null,
      scopes: null,
      roles: null,
    });
    expect(await readClient(target.client_id)).toMatchObject({ name: 'Updated Integration Name' });
  });

  // Fides sets the scopes of oauth_client itself (SPEC §9: refused, see below).
  it('test_update_client_scopes', async () => {
    const oauth = await oauthClient();
    const newScopes = ['client:read', 'client:update'];
    const target = await modifiableClient();
    const response = await call('PUT', clientPath(target.client_id), await oauth.token(newScopes), {
      scopes: newScopes,
    });
    await expectAnswer(response, 200, {
      client_id: target.client_id,
      name: null,
      description: null,
      scopes: newScopes,
      roles: [],
    });
    expect(await readScopes(target.client_id)).toEqual(newScopes);
  });

  // Fides changes oauth_client itself (SPEC §9: refused, see below); the target here holds client:update, which
  // the caller holds too, and keeps it.
  it('test_update_client_partial', async () => {
    const oauth = await oauthClient();
    const target = await modifiableClient(['client:update']);
    const response = await call('PUT', clientPath(target.client_id), await oauth.token(['client:update']), {
      name: 'Partial Update',
      description: 'A new description',
    });
    expect(response.status).toBe(200);
    expect(await readClient(target.client_id)).toEqual({
      client_id: target.client_id,
      name: 'Partial Update',
      description: 'A new description',
      scopes: ['client:update'],
      roles: [],
    });
  });

  // Fides changes oauth_client itself (SPEC §9: refused, see below).
  it('test_update_client_clears_description', async () => {
    const oauth = await oauthClient();
    const token = await oauth.token(['client:update']);
    const target = await modifiableClient();
    await call('PUT', clientPath(target.client_id), token, { description: 'Initial' });
    expect(await readClient(target.client_id)).toMatchObject({ description: 'Initial' });
    const response = await call('PUT', clientPath(target.client_id), token, { description: null });
    expect(response.status).toBe(200);
    expect(await readClient(target.client_id)).toMatchObject({ description: null });
  });

  // Fides changes oauth_client itself (SPEC §9: refused, see below).
  it('test_update_client_omitting_description_leaves_it_unchanged', async () => {
    const oauth = await oauthClient();
    const token = await oauth.token(['client:update']);
    const target = await modifiableClient();
    await call('PUT', clientPath(target.client_id), token, { description: 'Keep me' });
    const response = await call('PUT', clientPath(target.client_id), token, { name: 'New Name' });
    expect(response.status).toBe(200);
    expect(await readClient(target.client_id)).toMatchObject({ name: 'New Name', description: 'Keep me' });
  });

  // As in Fides, on oauth_client itself: the body is checked before anything else.
  it('test_update_client_empty_name_rejected', async () => {
    const oauth = await oauthClient();
    const response = await call('PUT', clientPath(oauth.client_id), await oauth.token(['client:update']), {
      name: '',
    });
    await expectAnswer(response, 422, EMPTY_NAME);
  });

  it('SPEC §9: the Fides updates of oauth_client itself, with its narrow tokens, are refused', async () => {
    const oauth = await oauthClient();
    for (const [held, body] of [
      [['client:update'], { name: 'Updated Integration Name' }],
      [['client:read', 'client:update'], { scopes: ['client:read', 'client:update'] }],
      [['client:update'], { name: 'Partial Update', description: 'A new description' }],
      [['client:update'], { description: null }],
    ] as const) {
      await expectCannotModifyAllScopeClient(
        await call('PUT', clientPath(oauth.client_id), await oauth.token(held), body),
        held,
      );
    }
    expect(await readClient(oauth.client_id)).toEqual({
      client_id: oauth.client_id,
      name: null,
      description: null,
      scopes: REGISTRY,
      roles: [],
    });
  });
});

describe('TestRotateClientSecret', () => {
  const secretPath = (id: string) => `${clientPath(id)}/secret`;

  it('test_rotate_secret_not_authenticated', async () => {
    const oauth = await oauthClient();
    await expectNotAuthenticated(await call('POST', secretPath(oauth.client_id), null));
  });

  it('test_rotate_secret_wrong_scope', async () => {
    const oauth = await oauthClient();
    await expectWrongScope(
      await call('POST', secretPath(oauth.client_id), await oauth.token(['client:read'])),
      'client:update',
    );
  });

  it('test_rotate_secret_not_found', async () => {
    const oauth = await oauthClient();
    const response = await call('POST', secretPath('nonexistent_client_id'), await oauth.token(['client:update']));
    await expectAnswer(response, 404, CLIENT_NOT_FOUND);
  });

  it('test_rotate_secret_root_client_returns_404', async () => {
    const oauth = await oauthClient();
    const response = await call('POST', secretPath(ROOT.clientId), await oauth.token(['client:update']));
    await expectAnswer(response, 404, CLIENT_NOT_FOUND);
  });

  // Fides rotates oauth_client's own secret (SPEC §9: refused, see below).
  it('test_rotate_secret', async () => {
    const oauth = await oauthClient();
    const target = await modifiableClient();
    const original = await storedHash(target.client_id);
    const response = await call('POST', secretPath(target.client_id), await oauth.token(['client:update']));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { client_id: string; client_secret: string };
    expect(Object.keys(body)).toEqual(['client_id', 'client_secret']);
    expect(body.client_id).toBe(target.client_id);
    expect(await storedHash(target.client_id)).not.toBe(original);
  });

  // Fides rotates oauth_client's own secret (SPEC §9: refused, see below). Valid means: it gets a token.
  it('test_rotate_secret_new_secret_is_valid', async () => {
    const oauth = await oauthClient();
    const target = await modifiableClient();
    const response = await call('POST', secretPath(target.client_id), await oauth.token(['client:update']));
    expect(response.status).toBe(200);
    const { client_secret } = (await response.json()) as { client_secret: string };
    const grant = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: target.client_id,
      client_secret,
    });
    expect(grant.status).toBe(200);
  });

  it('SPEC §9: rotating the secret of oauth_client itself with its client:update token is refused', async () => {
    const oauth = await oauthClient();
    const original = await storedHash(oauth.client_id);
    await expectCannotModifyAllScopeClient(
      await call('POST', secretPath(oauth.client_id), await oauth.token(['client:update'])),
      ['client:update'],
    );
    expect(await storedHash(oauth.client_id)).toBe(original);
  });
});

describe('TestGetClientScopes', () => {
  const scopePath = (id: string) => `${clientPath(id)}/scope`;

  it('test_get_scopes_not_authenticated', async () => {
    const oauth = await oauthClient();
    await expectNotAuthenticated(await call('GET', scopePath(oauth.client_id), null));
  });

  it('test_get_scopes_wrong_scope', async () => {
    const oauth = await oauthClient();
    await expectWrongScope(
      await call('GET', scopePath(oauth.client_id), await oauth.token(['storage:read'])),
      'client:read',
    );
  });

  it('test_get_scopes_invalid_client', async () => {
    const oauth = await oauthClient();
    await expectAnswer(await call('GET', scopePath('bad_client'), await oauth.token(['client:read'])), 200, []);
  });

  it('test_get_scopes', async () => {
    const oauth = await oauthClient();
    await expectAnswer(
      await call('GET', scopePath(oauth.client_id), await oauth.token(['client:read'])),
      200,
      REGISTRY,
    );
  });
});

describe('TestSetClientScopes', () => {
  const scopePath = (id: string) => `${clientPath(id)}/scope`;

  it('test_set_scopes_not_authenticated', async () => {
    const oauth = await oauthClient();
    await expectNotAuthenticated(await t.app.fetch(scopePath(oauth.client_id), { method: 'PUT' }));
  });

  // No body: the token and its scopes are checked before the body.
  it('test_set_scopes_wrong_scope', async () => {
    const oauth = await oauthClient();
    const response = await t.app.fetch(scopePath(oauth.client_id), {
      method: 'PUT',
      headers: bearer(await oauth.token(['client:read'])),
    });
    await expectWrongScope(response, 'client:update');
  });

  // Fides: 403 on oauth_client itself. SPEC §6: 422; and the target is one the caller may modify, since SPEC §9's
  // refusal would come first on oauth_client.
  it('test_set_invalid_scope', async () => {
    const oauth = await oauthClient();
    const target = await modifiableClient();
    const response = await call('PUT', scopePath(target.client_id), await oauth.token(['client:update']), [
      'this-is-not-a-valid-scope',
    ]);
    await expectAnswer(response, 422, INVALID_SCOPE);
  });

  it('test_set_scopes_invalid_client', async () => {
    const oauth = await oauthClient();
    const response = await call('PUT', scopePath('bad_client'), await oauth.token(['client:update']), ['storage:read']);
    await expectAnswer(response, 200, null);
  });

  // Fides sets the scopes of oauth_client itself (SPEC §9: refused, see below).
  it('test_set_scopes', async () => {
    const oauth = await oauthClient();
    const target = await modifiableClient();
    const response = await call(
      'PUT',
      scopePath(target.client_id),
      await oauth.token(['client:update', 'storage:read']),
      ['storage:read'],
    );
    await expectAnswer(response, 200, null);
    expect(await readScopes(target.client_id)).toEqual(['storage:read']);
  });

  it('SPEC §9: setting the scopes of oauth_client itself with its narrow token is refused', async () => {
    const oauth = await oauthClient();
    const held = ['client:update', 'storage:read'];
    await expectCannotModifyAllScopeClient(
      await call('PUT', scopePath(oauth.client_id), await oauth.token(held), ['storage:read']),
      held,
    );
    expect(await readScopes(oauth.client_id)).toEqual(REGISTRY);
  });
});

describe('TestReadScopes', () => {
  const url = '/api/v1/oauth/scope';

  it('test_get_scopes_not_authenticated', async () => {
    await expectNotAuthenticated(await call('GET', url, null));
  });

  it('test_get_scopes_wrong_scope', async () => {
    const oauth = await oauthClient();
    await expectWrongScope(await call('GET', url, await oauth.token(['storage:read'])), 'scope:read');
  });

  it('test_get_scopes', async () => {
    const oauth = await oauthClient();
    await expectAnswer(await call('GET', url, await oauth.token(['scope:read'])), 200, REGISTRY);
  });
});

describe('TestDeleteClient', () => {
  it('test_delete_client_not_authenticated', async () => {
    const oauth = await oauthClient();
    await expectNotAuthenticated(await call('DELETE', clientPath(oauth.client_id), null));
  });

  it('test_delete_client_wrong_scope', async () => {
    const oauth = await oauthClient();
    await expectWrongScope(
      await call('DELETE', clientPath(oauth.client_id), await oauth.token(['client:read'])),
      'client:delete',
    );
  });

  it('test_delete_client_invalid_client', async () => {
    const oauth = await oauthClient();
    await expectAnswer(await call('DELETE', clientPath('bad_client'), await oauth.token(['client:delete'])), 200, null);
  });

  // Fides deletes oauth_client itself (SPEC §9: refused, see below).
  it('test_delete_client', async () => {
    const oauth = await oauthClient();
    const target = await modifiableClient();
    await expectAnswer(
      await call('DELETE', clientPath(target.client_id), await oauth.token(['client:delete'])),
      200,
      null,
    );
    await expectAnswer(await call('GET', clientPath(target.client_id), t.root), 404, CLIENT_NOT_FOUND);
  });

  it('SPEC §9: deleting oauth_client itself with its client:delete token is refused', async () => {
    const oauth = await oauthClient();
    await expectCannotModifyAllScopeClient(
      await call('DELETE', clientPath(oauth.client_id), await oauth.token(['client:delete'])),
      ['client:delete'],
    );
    expect(await readScopes(oauth.client_id)).toEqual(REGISTRY);
  });
});

describe('TestAcquireAccessToken', () => {
  it('test_no_form_data', async () => {
    await expectAnswer(await postToken(t.app, {}), 401, AUTH_FAILED);
  });

  // Fides sends `secret`, not `client_secret`: no credentials at all.
  it('test_invalid_client', async () => {
    await expectAnswer(await postToken(t.app, { client_id: 'notaclient', secret: 'badsecret' }), 401, AUTH_FAILED);
  });

  it('test_invalid_client_secret', async () => {
    const client = await createClientWith(t.app, [], t.root);
    await expectAnswer(await postToken(t.app, { client_id: client.client_id, secret: 'badsecret' }), 401, AUTH_FAILED);
  });

  // Fides posts no grant_type; SPEC §6 requires it (the next test). The token's claims are read from the JWT, where
  // Fides decrypts its JWE.
  it('test_get_access_token_root_client', async () => {
    const response = await postToken(t.app, {
      client_id: ROOT.clientId,
      client_secret: ROOT.clientSecret,
      grant_type: 'client_credentials',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    expect(claimsOf(body.access_token)).toMatchObject({
      client_id: ROOT.clientId,
      scope: REGISTRY.join(' '),
      roles: ['owner'],
    });
  });

  it('test_get_access_token_root_client, without grant_type: 400 (SPEC §6)', async () => {
    const response = await postToken(t.app, { client_id: ROOT.clientId, client_secret: ROOT.clientSecret });
    await expectAnswer(response, 400, {
      detail: 'The grant_type parameter is required.',
      error: 'invalid_request',
      error_description: 'The grant_type parameter is required.',
    });
  });

  it('test_get_access_token', async () => {
    const client = await createClientWith(t.app, [], t.root);
    const response = await postToken(t.app, { ...client, grant_type: 'client_credentials' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    const claims = claimsOf(body.access_token);
    expect(claims).toMatchObject({ client_id: client.client_id, scope: '' });
    expect(claims).not.toHaveProperty('roles');
  });
});

describe('TestReadRoleMapping', () => {
  const url = '/api/v1/oauth/role';

  it('test_get_roles_not_authenticated', async () => {
    await expectNotAuthenticated(await call('GET', url, null));
  });

  it('test_get_roles_wrong_scope', async () => {
    const oauth = await oauthClient();
    await expectWrongScope(await call('GET', url, await oauth.token(['storage:read'])), 'scope:read');
  });

  // Fides asserts owner's set of scopes and the set of role names; ours the whole body, the registry being pinned to
  // Fides' mapping by test/unit/role-registry.test.ts.
  it('test_get_role_scope_mapping', async () => {
    const oauth = await oauthClient();
    const response = await call('GET', url, await oauth.token(['scope:read']));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string[]>;
    expect(new Set(body.owner)).toEqual(new Set(REGISTRY));
    expect(new Set(Object.keys(body))).toEqual(
      new Set([
        'approver',
        'contributor',
        'data_steward',
        'external_respondent',
        'owner',
        'respondent',
        'viewer',
        'viewer_and_approver',
      ]),
    );
    expect(body).toEqual(Object.fromEntries(ROLE_REGISTRY.map((role) => [role.name, role.scopes])));
  });
});

describe('TestOAuthPrivilegeEscalationSecurity', () => {
  const createUrl = '/api/v1/oauth/client';
  const cannotAssign = (missing: string[]) => ({
    detail: `Cannot assign scopes that you do not have. Missing scopes: [${missing.join(', ')}]`,
  });
  /** Fides' user holding only a role, and its client: here a client holding the role and no scopes, and its token. */
  async function roleClient(role: string): Promise<string> {
    const response = await call('POST', createUrl, t.root, { scopes: [], roles: [role] });
    const client = (await response.json()) as { client_id: string; client_secret: string };
    return tokenFor(t.app, client.client_id, client.client_secret);
  }

  it('test_create_client_privilege_escalation_blocked', async () => {
    const oauth = await oauthClient();
    const response = await call('POST', createUrl, await oauth.token(['client:create']), { scopes: PRIVILEGED });
    await expectAnswer(response, 403, cannotAssign(PRIVILEGED));
  });

  it('test_create_client_with_insecure_scopes', async () => {
    const oauth = await oauthClient();
    const insecure = ['storage:delete', 'messaging:delete', 'user-permission:assign_owners', 'user:delete'];
    const before = await total();
    const response = await call('POST', createUrl, await oauth.token(['client:create']), { scopes: insecure });
    await expectAnswer(response, 403, cannotAssign(insecure));
    expect(await total()).toBe(before);
  });

  it('test_create_client_with_role_derived_scopes_blocked', async () => {
    const token = await roleClient('contributor');
    const admin = ['storage:delete', 'messaging:delete'];
    await expectAnswer(await call('POST', createUrl, token, { scopes: admin }), 403, cannotAssign(admin));
  });

  it('test_create_client_with_role_derived_scopes_allowed', async () => {
    const contributor = ROLE_REGISTRY.find((role) => role.name === 'contributor')!.scopes;
    expect(contributor).toContain('client:read');
    const response = await call('POST', createUrl, await roleClient('contributor'), { scopes: ['client:read'] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { client_id: string };
    expect(Object.keys(body)).toEqual(['client_id', 'client_secret']);
    expect(await readScopes(body.client_id)).toEqual(['client:read']);
  });

  // Fides calls get_client_effective_scopes directly; ours are a token's effective scopes, as `viewer` shows them.
  it('test_get_client_effective_scopes_utility', async () => {
    const contributor = ROLE_REGISTRY.find((role) => role.name === 'contributor')!.scopes;
    const effective = async (body: unknown) => {
      const client = (await (await call('POST', createUrl, t.root, body)).json()) as {
        client_id: string;
        client_secret: string;
      };
      const token = await tokenFor(t.app, client.client_id, client.client_secret);
      const { body: answer } = await graphql(t.app, '{ viewer { scopes } }', {}, bearer(token));
      return (answer.data as { viewer: { scopes: string[] } }).viewer.scopes;
    };
    // Direct scopes only.
    expect(await effective({ scopes: ['client:read', 'client:update'], roles: [] })).toEqual([
      'client:read',
      'client:update',
    ]);
    // A role only: its scopes, in registry order.
    expect(await effective({ scopes: [], roles: ['contributor'] })).toEqual(
      REGISTRY.filter((scope) => contributor.includes(scope)),
    );
    // Both: the direct scopes, then the role's others.
    expect(await effective({ scopes: ['client:delete'], roles: ['contributor'] })).toEqual([
      'client:delete',
      ...REGISTRY.filter((scope) => contributor.includes(scope) && scope !== 'client:delete'),
    ]);
  });

  it('test_create_client_with_valid_scopes_allowed', async () => {
    const oauth = await oauthClient();
    const response = await call(
      'POST',
      createUrl,
      await oauth.token(['client:create', 'client:read', 'client:delete']),
      {
        scopes: ['client:read'],
      },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { client_id: string };
    expect(Object.keys(body)).toEqual(['client_id', 'client_secret']);
    expect(await readScopes(body.client_id)).toEqual(['client:read']);
  });

  // Fides sets the scopes of oauth_client itself, where SPEC §9's refusal comes first (below); here the target is
  // one the caller may modify, so the escalation check is what answers.
  it('test_set_client_scopes_privilege_escalation_blocked', async () => {
    const oauth = await oauthClient();
    const target = await modifiableClient();
    const response = await call(
      'PUT',
      `${clientPath(target.client_id)}/scope`,
      await oauth.token(['client:update']),
      PRIVILEGED,
    );
    await expectAnswer(response, 403, cannotAssign(PRIVILEGED));
    expect(await readScopes(target.client_id)).toEqual([]);
  });

  it('test_set_client_scopes_privilege_escalation_blocked, on oauth_client itself: SPEC §9 refuses first', async () => {
    const oauth = await oauthClient();
    const response = await call(
      'PUT',
      `${clientPath(oauth.client_id)}/scope`,
      await oauth.token(['client:update']),
      PRIVILEGED,
    );
    await expectCannotModifyAllScopeClient(response, ['client:update']);
  });

  it('test_set_client_scopes_with_valid_scopes_allowed', async () => {
    const oauth = await oauthClient();
    const target = await modifiableClient(['client:read', 'client:delete']);
    const token = await oauth.token(['client:update', 'client:read', 'client:delete']);
    await expectAnswer(await call('PUT', `${clientPath(target.client_id)}/scope`, token, ['client:read']), 200, null);
    expect(await readScopes(target.client_id)).toEqual(['client:read']);
  });

  // Fides posts no grant_type; SPEC §6 requires it.
  it('test_root_client_can_assign_any_scope', async () => {
    const grant = await postToken(t.app, {
      client_id: ROOT.clientId,
      client_secret: ROOT.clientSecret,
      grant_type: 'client_credentials',
    });
    const jwt = ((await grant.json()) as { access_token: string }).access_token;
    const response = await call('POST', createUrl, jwt, { scopes: PRIVILEGED });
    expect(response.status).toBe(200);
    const { client_id } = (await response.json()) as { client_id: string };
    expect(new Set(await readScopes(client_id))).toEqual(new Set(PRIVILEGED));
  });

  it('test_empty_scopes_allowed', async () => {
    const oauth = await oauthClient();
    const response = await call('POST', createUrl, await oauth.token(['client:create']), { scopes: [] });
    expect(response.status).toBe(200);
    const { client_id } = (await response.json()) as { client_id: string };
    expect(await readScopes(client_id)).toEqual([]);
  });
});
