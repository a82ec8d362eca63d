import { cacheExchange, Client, fetchExchange, gql } from '@urql/core';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClientWith } from '../helpers/oauth.js';
import { useHttpTestApp } from '../helpers/use-test-app.js';

// Third-party clients, as our users run them, over HTTP on loopback.
const t = useHttpTestApp({}, { root: false });
let reader: { client_id: string; client_secret: string };

beforeAll(async () => {
  reader = await createClientWith(t.app, ['client:read', 'scope:read', 'policy:read']);
});

async function discover(auth: oidc.ClientAuth) {
  return oidc.discovery(new URL(t.app.origin), reader.client_id, undefined, auth, {
    algorithm: 'oauth2',
    execute: [oidc.allowInsecureRequests],
  });
}

describe('openid-client', () => {
  it('discovers the server from its RFC 8414 metadata', async () => {
    const config = await discover(oidc.ClientSecretBasic(reader.client_secret));
    expect(config.serverMetadata()).toMatchObject({
      issuer: t.app.origin,
      token_endpoint: `${t.app.origin}/api/v1/oauth/token`,
      jwks_uri: `${t.app.origin}/.well-known/jwks.json`,
    });
  });

  it.each([
    ['client_secret_basic', () => oidc.ClientSecretBasic(reader.client_secret)],
    ['client_secret_post', () => oidc.ClientSecretPost(reader.client_secret)],
  ])('gets a token with %s', async (_method, auth) => {
    const config = await discover(auth());
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'scope:read policy:read' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('scope:read policy:read');
    expect(tokens.expiresIn()).toBeGreaterThan(691_000);

    const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, client_id: reader.client_id, scope: 'scope:read policy:read' });

    await oidc.tokenRevocation(config, tokens.access_token);
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
  });

  it('surfaces a wrong secret as invalid_client', async () => {
    const config = await discover(oidc.ClientSecretPost('wrong'));
    await expect(oidc.clientCredentialsGrant(config)).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
  });
});

describe('jose createRemoteJWKSet, as a resource server verifies offline', () => {
  it('verifies our tokens from the published JWKS, pinning issuer, audience, algorithm and typ', async () => {
    const config = await discover(oidc.ClientSecretBasic(reader.client_secret));
    const { access_token } = await oidc.clientCredentialsGrant(config);
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(access_token, jwks, {
      issuer: t.app.origin,
      audience: t.app.origin,
      algorithms: ['EdDSA'],
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload).toMatchObject({
      sub: reader.client_id,
      client_id: reader.client_id,
      scope: 'client:read scope:read policy:read',
    });
    await expect(jwtVerify(access_token, jwks, { issuer: t.app.origin, audience: 'someone-else' })).rejects.toThrow();
  });
});

describe('urql', () => {
  it('drives the GraphQL API', async () => {
    const anonymous = new Client({ url: `${t.app.origin}/graphql`, exchanges: [cacheExchange, fetchExchange] });
    const issued = await anonymous
      .mutation(
        gql`
          mutation ($id: String!, $secret: String!) {
            issueToken(clientId: $id, clientSecret: $secret) {
              accessToken
              scope
            }
          }
        `,
        {
          id: reader.client_id,
          secret: reader.client_secret,
        },
      )
      .toPromise();
    expect(issued.error).toBeUndefined();
    const { accessToken } = issued.data.issueToken as { accessToken: string };

    const client = new Client({
      url: `${t.app.origin}/graphql`,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: { headers: { Authorization: `Bearer ${accessToken}` } },
    });
    const viewer = await client
      .query(
        gql`
          {
            viewer {
              clientId
              scopes
            }
            clients(size: 5) {
              total
            }
          }
        `,
        {},
      )
      .toPromise();
    expect(viewer.error).toBeUndefined();
    expect(viewer.data.viewer).toEqual({
      __typename: 'Viewer',
      clientId: reader.client_id,
      scopes: ['client:read', 'scope:read', 'policy:read'],
    });

    const forbidden = await client
      .mutation(
        gql`
          mutation {
            createClient(scopes: []) {
              clientId
            }
          }
        `,
        {},
      )
      .toPromise();
    expect(forbidden.error?.graphQLErrors[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      requiredScopes: ['client:create'],
    });
  });
});
