// The private PostgreSQL cluster lives with the cluster script (`npm run cluster` starts one too); tests import it here.
export {
  binDir,
  privatePostgresUnavailable,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../../scripts/cluster/private-postgres.js';
