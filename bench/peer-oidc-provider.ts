// The peer: oidc-provider (the certified Node OAuth server) with one client-credentials client.
// `node --import tsx bench/peer-oidc-provider.ts <port>`
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
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
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
  },
});
provider.listen(port, () => console.log('listening'));
