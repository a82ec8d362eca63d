import { GraphQLError as OurGraphQLError } from 'graphql';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SCOPE_REGISTRY } from '../../src/access/index.js';
import { bearer, clientWithToken, createClientWith, graphql, tokenFor } from '../helpers/oauth.js';
import { ROOT } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

const t = useTestApp();

const ISSUE = `mutation Issue($id: String!, $secret: String!, $scope: String) {
  issueToken(clientId: $id, clientSecret: $secret, scope: $scope) { accessToken tokenType expiresIn expiresAt scope }
}`;
const CREATE = `mutation Create($scopes: [String!], $name: String) {
  createClient(scopes: $scopes, name: $name) { clientId clientSecret client { clientId name description scopes createdAt } }
}`;

describe('the test setup', () => {
  it('loads one graphql module, so our errors are the ones yoga and Pothos recognise', () => {
    const theirs = createRequire(createRequire(import.meta.url).resolve('graphql-yoga')).resolve('graphql');
    const ours = createRequire(import.meta.url).resolve('graphql');
    expect(ours).toBe(theirs);
    expect(OurGraphQLError).toBe(createRequire(import.meta.url)('graphql').GraphQLError);
  });
});

describe('issueToken', () => {
  it('issues a token for valid credentials', async () => {
    const { status, body } = await graphql(t.app, ISSUE, {
      id: ROOT.clientId,
      secret: ROOT.clientSecret,
      scope: 'scope:read client:read',
    });
    expect(status).toBe(200);
    const token = body.data!.issueToken as Record<string, unknown>;
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 691200, scope: 'client:read scope:read' });
    expect(new Date(token.expiresAt as string).getTime()).toBeGreaterThan(Date.now() + 691000 * 1000);
    const viewer = await graphql(t.app, '{ viewer { clientId scopes } }', {}, bearer(token.accessToken as string));
    expect(viewer.body).toEqual({
      data: { viewer: { clientId: ROOT.clientId, scopes: ['client:read', 'scope:read'] } },
    });
  });

  it('answers bad credentials with INVALID_CLIENT, the same for an unknown client and a wrong secret', async () => {
    const unknown = await graphql(t.app, ISSUE, { id: 'nobody', secret: 'x' });
    const wrong = await graphql(t.app, ISSUE, { id: ROOT.clientId, secret: 'x' });
    for (const { status, body } of [unknown, wrong]) {
      expect(status).toBe(200);
      expect(body).toEqual({
        data: null,
        errors: [
          {
            message: 'Client authentication failed.',
            locations: [{ line: 2, column: 3 }],
            path: ['issueToken'],
            extensions: { code: 'INVALID_CLIENT' },
          },
        ],
      });
    }
  });

  it('refuses a scope the client lacks with BAD_USER_INPUT', async () => {
    const reader = await createClientWith(t.app, ['policy:read']);
    const { body } = await graphql(t.app, ISSUE, {
      id: reader.client_id,
      secret: reader.client_secret,
      scope: 'client:create',
    });
    expect(body.errors?.[0]).toMatchObject({
      message: 'The client is not allowed the requested scope(s): [client:create]',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('createClient', () => {
  it('creates a client with the root token', async () => {
    const { status, body } = await graphql(
      t.app,
      CREATE,
      { scopes: ['policy:read', 'rule:read'], name: 'reporting' },
      bearer(t.root),
    );
    expect(status).toBe(200);
    const created = body.data!.createClient as {
      clientId: string;
      clientSecret: string;
      client: Record<string, unknown>;
    };
    expect(created.client).toMatchObject({
      clientId: created.clientId,
      name: 'reporting',
      description: null,
      scopes: ['policy:read', 'rule:read'],
    });
    const token = await tokenFor(t.app, created.clientId, created.clientSecret);
    const viewer = await graphql(t.app, '{ viewer { clientId scopes } }', {}, bearer(token));
    expect(viewer.body.data).toEqual({ viewer: { clientId: created.clientId, scopes: ['policy:read', 'rule:read'] } });
  });

  it('fails with FORBIDDEN and the required scopes when the token lacks client:create', async () => {
    const { token } = await clientWithToken(t.app, ['policy:read']);
    const { status, body } = await graphql(t.app, CREATE, { scopes: [] }, bearer(token));
    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message: 'Not Authorized for this action. Required scope(s): [client:create]',
          locations: [{ line: 2, column: 3 }],
          path: ['createClient'],
          extensions: { code: 'FORBIDDEN', requiredScopes: ['client:create'] },
        },
      ],
    });
  });

  it('fails with UNAUTHENTICATED for an anonymous caller', async () => {
    const { status, body } = await graphql(t.app, CREATE, { scopes: [] });
    expect(status).toBe(200);
    expect(body.errors?.[0]).toMatchObject({
      message: 'Authentication required: send a bearer access token in the Authorization header.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses unknown scopes (BAD_USER_INPUT) and escalation (FORBIDDEN)', async () => {
    const unknown = await graphql(t.app, CREATE, { scopes: ['nope:nope'] }, bearer(t.root));
    expect(unknown.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(unknown.body.errors?.[0]?.message).toBe(
      `Invalid Scope. Scopes must be one of [${SCOPE_REGISTRY.join(', ')}].`,
    );

    const { token } = await clientWithToken(t.app, ['client:create']);
    const escalate = await graphql(t.app, CREATE, { scopes: ['client:delete'] }, bearer(token));
    expect(escalate.body.errors?.[0]).toMatchObject({
      message: 'Cannot assign scopes that you do not have. Missing scopes: [client:delete]',
      extensions: { code: 'FORBIDDEN' },
    });
  });
});

describe('queries', () => {
  it('viewer is null for an anonymous caller', async () => {
    const { status, body } = await graphql(t.app, '{ viewer { clientId } }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { viewer: null } });
  });

  it('a field without its scope fails alone, and the others still resolve', async () => {
    const { token, ...reader } = await clientWithToken(t.app, ['policy:read']);
    const { status, body } = await graphql(t.app, '{ viewer { clientId } scopes }', {}, bearer(token));
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { viewer: { clientId: reader.client_id }, scopes: null },
      errors: [
        {
          message: 'Not Authorized for this action. Required scope(s): [scope:read]',
          locations: [{ line: 1, column: 23 }],
          path: ['scopes'],
          extensions: { code: 'FORBIDDEN', requiredScopes: ['scope:read'] },
        },
      ],
    });
  });

  it('scopes returns the registry in order with scope:read', async () => {
    const { body } = await graphql(t.app, '{ scopes }', {}, bearer(t.root));
    expect(body).toEqual({ data: { scopes: [...SCOPE_REGISTRY] } });
  });

  it('rejects the whole request with HTTP 401 for a bad token', async () => {
    const { status, headers, body } = await graphql(t.app, '{ viewer { clientId } }', {}, bearer('garbage'));
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(body).toEqual({
      errors: [{ message: 'The access token is invalid or has expired.', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it('answers an unknown field with a validation error', async () => {
    const { status, body } = await graphql(t.app, '{ nope }', {});
    // yoga keeps 200 for application/json clients (GraphQL over HTTP, legacy watershed).
    expect(status).toBe(200);
    expect(body.errors?.[0]).toMatchObject({
      message: 'Cannot query field "nope" on type "Query".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});

describe('GraphiQL', () => {
  it('serves a page that needs no internet access', async () => {
    const response = await t.app.fetch('/graphql', { headers: { Accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('Gatehouse GraphiQL');
    // Every script and stylesheet is inline: no src= or href= pointing off the machine.
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/);
    expect(html).not.toContain('unpkg.com');
  });
});
