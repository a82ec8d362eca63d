import { SCOPE_REGISTRY } from './scope-registry.js';

/** A named set of scopes that a client may hold as a whole, as Fides' roles are. */
export interface Role {
  readonly name: string;
  /** Sorted, as Fides lists them. */
  readonly scopes: readonly string[];
}

// The building blocks of Fides' roles (src/fides/api/oauth/roles.py in ethyca/fides), each role's scopes being
// a combination of them.

/** Approvers see and decide privacy requests. */
const APPROVER_SCOPES = [
  'privacy-request:review',
  'privacy-request:read',
  'privacy-request:resume',
  'privacy-request:upload_data',
  'privacy-request:view_data',
  'privacy-request:delete',
  'privacy-request:create',
  'user:read',
  'privacy-request:manual-steps:review',
];

/** Viewers read nearly everything; Fides leaves out `user-permission:read` and `privacy-request:read` on purpose. */
const VIEWER_SCOPES = [
  'cli-objects:read',
  'client:read',
  'connection:read',
  'consent:read',
  'consent_settings:read',
  'connection_type:read',
  'ctl_dataset:read',
  'data_category:read',
  'ctl_policy:read',
  'dataset:read',
  'data_subject:read',
  'data_use:read',
  'evaluation:read',
  'masking:exec',
  'masking:read',
  'organization:read',
  'policy:read',
  'privacy-experience:read',
  'privacy-notice:read',
  'privacy-request-notifications:read',
  'rule:read',
  'scope:read',
  'storage:read',
  'system_integration_link:read',
  'system:read',
  'messaging:read',
  'webhook:read',
  'system_manager:read',
  'saas_config:read',
  'user:read',
];

/** What a contributor may not do: configure storage and messaging, assign owners, and the like. */
const NOT_CONTRIBUTOR_SCOPES = [
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

const sorted = (scopes: Iterable<string>): readonly string[] => Object.freeze([...new Set(scopes)].sort());

/**
 * Fides' roles, in Fides' order, each with its scopes. `GET /api/v1/oauth/role` and `Query.roles` return them in
 * this order. A client may hold roles besides its scopes; each role stands for its scopes.
 */
export const ROLE_REGISTRY: readonly Role[] = Object.freeze(
  (
    [
      ['owner', SCOPE_REGISTRY],
      ['viewer_and_approver', [...VIEWER_SCOPES, ...APPROVER_SCOPES]],
      ['viewer', VIEWER_SCOPES],
      ['approver', APPROVER_SCOPES],
      ['contributor', SCOPE_REGISTRY.filter((scope) => !NOT_CONTRIBUTOR_SCOPES.includes(scope))],
      [
        'data_steward',
        [...VIEWER_SCOPES, 'system_integration_link:create_or_update', 'system_integration_link:delete'],
      ],
      ['respondent', ['privacy-request:manual-steps:respond', 'user:read-own']],
      ['external_respondent', ['privacy-request:manual-steps:respond']],
    ] as const
  ).map(([name, scopes]) => Object.freeze({ name, scopes: sorted(scopes) })),
);

/** The roles the root client holds, as Fides' root client does (`root_user_roles`). */
export const ROOT_ROLES: readonly string[] = Object.freeze(['owner']);
