// The peer: oidc-provider (the certified Node OAuth server) with one client-credentials client.
// `node --import tsx bench/peer-oidc-provider.ts <port> [opaque|jwt]`
// - opaque (its default): a random token, stored in its in-memory adapter;
// - jwt: an RFC 9068 JWT signed with Ed25519, as Gatehouse signs, for one resource server (resource indicators).
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const format = process.argv[3] === 'jwt' ? 'jwt' : 'opaque';
const resource = 'urn:gatehouse:bench';
const signingKey = { ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig' };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'bench',
      client_secret: 'bench-secret-0123456789abcdef0123456789',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  scopes: ['api:read'],
  jwks: { keys: [signingKey] },
  // The only key is Ed25519: a client's default signing algorithm follows it.
  clientDefaults: { id_token_signed_response_alg: 'EdDSA' },
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
    ...(format === 'jwt'
      ? {
          resourceIndicators: {
            enabled: true,
            defaultResource: () => resource,
            useGrantedResource: () => true,
            getResourceServerInfo: () => ({
              scope: 'api:read',
              audience: resource,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'EdDSA' } },
            }),
          },
        }
      : {}),
  },
});
provider.listen(port, () => console.log('listening'));
