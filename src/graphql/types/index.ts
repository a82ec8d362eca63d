// Imported for their side effects: each file registers its type and root fields on the builder.
import './date-time.js';
import './json.js';
import './access-token.js';
import './audit-event.js';
import './client.js';
import './policy.js';
import './revoke-token.js';
import './roles.js';
import './scopes.js';
import './signing-key.js';
import './viewer.js';
