import { describe, expect, it } from 'vitest';
import { ROLE_REGISTRY } from '../../src/access/index.js';
import { bearer, callJson, clientWithToken, graphql } from '../helpers/oauth.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Fides' roles: the registry, readable with scope:read as Fides guards it.
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
