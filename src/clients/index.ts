export { createClientSecrets, type ClientSecrets } from './client-secrets.js';
export { DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH } from './client-labels.js';
export type { ClientView } from './client-view.js';
export { createClient, type CreateClientInput, type CreatedClient } from './create-client.js';
export type { ClientsEnv } from './env.js';
export {
  CLIENT_NOT_FOUND,
  deleteClient,
  getClient,
  getClientScopes,
  listClients,
  markTokensRevoked,
  revokeClientTokens,
  rotateClientSecret,
  setClientScopes,
  updateClient,
  type UpdateClientInput,
} from './manage-clients.js';
export { DEFAULT_ARGON2_BOUNDS, hashSecret, newClientSecret, type Argon2Bounds, type Argon2Load } from './secrets.js';
