import { describe, expect, it } from 'vitest';
import { ROLE_REGISTRY, ROOT_ROLES, SCOPE_REGISTRY } from '../../src/access/index.js';

// Fides' roles (src/fides/api/oauth/roles.py, ethyca/fides at 96aa40c), written out here from its lists, so that
// the registry cannot drift from what Fides answers at GET /api/v1/oauth/role.
const VIEWER = [
  'cli-objects:read',
  'client:read',
  'connection:read',
  'connection_type:read',
  'consent:read',
  'consent_settings:read',
  'ctl_dataset:read',
  'ctl_policy:read',
  'data_category:read',
  'data_subject:read',
  'data_use:read',
  'dataset:read',
  'evaluation:read',
  'masking:exec',
  'masking:read',
  'messaging:read',
  'organization:read',
  'policy:read',
  'privacy-experience:read',
  'privacy-notice:read',
  'privacy-request-notifications:read',
  'rule:read',
  'saas_config:read',
  'scope:read',
  'storage:read',
  'system:read',
  'system_integration_link:read',
  'system_manager:read',
  'user:read',
  'webhook:read',
];
const APPROVER = [
  'privacy-request:create',
  'privacy-request:delete',
  'privacy-request:manual-steps:review',
  'privacy-request:read',
  'privacy-request:resume',
  'privacy-request:review',
  'privacy-request:upload_data',
  'privacy-request:view_data',
  'user:read',
];
const NOT_CONTRIBUTOR = [
  'connector_template:register',
  'storage:create_or_update',
  'storage:delete',
  'messaging:create_or_update',
  'messaging:delete',
  'privacy-request-notifications:create_or_update',
  'privacy-request-email-integrations:send',
  'user-permission:assign_owners',
  'heap_dump:exec',
];
/** Python's sorted(set(...)): code-point order, as JavaScript's default sort orders these ASCII names. */
const sorted = (scopes: readonly string[]) => [...new Set(scopes)].sort();

describe('the role registry', () => {
  it('is Fides’ mapping, in Fides’ order, each role’s scopes sorted', () => {
    expect(ROLE_REGISTRY.map((role) => [role.name, role.scopes])).toEqual([
      ['owner', sorted(SCOPE_REGISTRY)],
      ['viewer_and_approver', sorted([...VIEWER, ...APPROVER])],
      ['viewer', VIEWER],
      ['approver', APPROVER],
      ['contributor', sorted(SCOPE_REGISTRY.filter((scope) => !NOT_CONTRIBUTOR.includes(scope)))],
      [
        'data_steward',
        sorted([...VIEWER, 'system_integration_link:create_or_update', 'system_integration_link:delete']),
      ],
      ['respondent', ['privacy-request:manual-steps:respond', 'user:read-own']],
      ['external_respondent', ['privacy-request:manual-steps:respond']],
    ]);
    expect(ROLE_REGISTRY.map((role) => role.scopes.length)).toEqual([130, 38, 30, 9, 121, 32, 2, 1]);
  });

  it('names only scopes of the scope registry', () => {
    const registry = new Set(SCOPE_REGISTRY);
    expect(ROLE_REGISTRY.flatMap((role) => role.scopes.filter((scope) => !registry.has(scope)))).toEqual([]);
  });

  it('gives the root client Fides’ root roles', () => {
    expect(ROOT_ROLES).toEqual(['owner']);
  });
});
