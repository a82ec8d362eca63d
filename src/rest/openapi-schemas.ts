// JSON Schemas (OpenAPI 3.1) of the REST bodies, referenced from the route docs. Limits and enums come from the
// modules that enforce them.
import { ROLE_REGISTRY } from '../access/index.js';
import { DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH as CLIENT_NAME_MAX_LENGTH } from '../clients/index.js';
import { AUDIT_ACTIONS } from '../audit/index.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../core/index.js';
import {
  ACTION_TYPES,
  DRP_ACTIONS,
  NAME_MAX_LENGTH,
  SUPPORTED_ACTION_TYPES,
  SUPPORTED_DRP_ACTIONS,
} from '../policies/index.js';

export type Schema = Record<string, unknown>;

export const ref = (name: keyof typeof components) => ({ $ref: `#/components/schemas/${name}` });

/** The `page` and `size` query parameters of every list. */
export const PAGE_QUERY = [
  { name: 'page', description: 'From 1.', schema: { type: 'integer', minimum: 1, default: 1 } },
  {
    name: 'size',
    description: 'Items per page.',
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  },
];

function page(item: string): Schema {
  return {
    type: 'object',
    required: ['items', 'total', 'page', 'size', 'pages'],
    properties: {
      items: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
      total: { type: 'integer' },
      page: { type: 'integer' },
      size: { type: 'integer' },
      pages: { type: 'integer' },
    },
  };
}

function bulk(item: string): Schema {
  return {
    type: 'object',
    required: ['succeeded', 'failed'],
    properties: {
      succeeded: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
      failed: {
        type: 'array',
        items: { type: 'object', required: ['message', 'data'], properties: { message: { type: 'string' }, data: {} } },
      },
    },
  };
}

const scopeList: Schema = { type: 'array', items: { type: 'string', examples: ['policy:read'] } };
const roleNames = ROLE_REGISTRY.map((role) => role.name);
const roleList: Schema = { type: 'array', items: { type: 'string', enum: roleNames } };
/** A client's name: null is no name; empty or only whitespace is refused (422, as Fides does). */
const clientName: Schema = {
  type: ['string', 'null'],
  minLength: 1,
  maxLength: CLIENT_NAME_MAX_LENGTH,
  pattern: '\\S',
};

export const components = {
  Error: {
    type: 'object',
    required: ['detail'],
    properties: {
      detail: { type: 'string' },
      request_id: { type: 'string', description: 'On 5xx answers: quote it.' },
    },
  },
  ValidationError: {
    type: 'object',
    required: ['detail'],
    properties: {
      detail: {
        type: 'array',
        items: {
          type: 'object',
          required: ['loc', 'msg', 'type'],
          properties: {
            loc: { type: 'array', items: { type: ['string', 'integer'] } },
            msg: { type: 'string' },
            type: { type: 'string' },
          },
        },
      },
    },
  },
  OAuthError: {
    type: 'object',
    required: ['detail', 'error', 'error_description'],
    properties: {
      detail: { type: 'string' },
      error: { type: 'string', enum: ['invalid_request', 'invalid_client', 'invalid_scope', 'unsupported_grant_type'] },
      error_description: { type: 'string' },
    },
  },
  TokenRequest: {
    type: 'object',
    required: ['grant_type'],
    properties: {
      grant_type: { type: 'string', const: 'client_credentials' },
      client_id: { type: 'string', description: 'With client_secret, unless HTTP Basic is used.' },
      client_secret: { type: 'string' },
      scope: { type: 'string', description: 'Space-separated subset of the client’s scopes; all of them when absent.' },
    },
  },
  TokenResponse: {
    type: 'object',
    required: ['access_token', 'token_type', 'expires_in', 'expires_at', 'scope'],
    properties: {
      access_token: { type: 'string', description: 'An RFC 9068 JWT (EdDSA).' },
      token_type: { type: 'string', const: 'Bearer' },
      expires_in: { type: 'integer', description: 'Seconds from now.' },
      expires_at: {
        type: 'string',
        format: 'date-time',
        description: 'When the token expires: ISO 8601 in UTC with a `+00:00` offset, as Fides sends it.',
        examples: ['2026-12-09T09:30:00.000+00:00'],
      },
      scope: {
        type: 'string',
        description: 'Space-separated: every scope the token may use, its roles’ included.',
      },
    },
  },
  TokenParameter: {
    type: 'object',
    required: ['token'],
    properties: {
      token: { type: 'string' },
      token_type_hint: { type: 'string', description: 'Accepted and ignored: only access tokens exist.' },
      client_id: { type: 'string', description: 'With client_secret, unless HTTP Basic is used.' },
      client_secret: { type: 'string' },
    },
  },
  Introspection: {
    type: 'object',
    required: ['active'],
    properties: {
      active: { type: 'boolean' },
      scope: { type: 'string', description: 'Effective scopes: those of the token that its client still holds.' },
      client_id: { type: 'string' },
      sub: { type: 'string' },
      exp: { type: 'integer' },
      iat: { type: 'integer' },
      aud: { type: 'string' },
      iss: { type: 'string' },
      jti: { type: 'string' },
      token_type: { type: 'string', const: 'Bearer' },
    },
  },
  ClientCreate: {
    oneOf: [
      { ...scopeList, description: 'A bare list of scopes, as Fides took it.' },
      {
        type: 'object',
        properties: {
          scopes: scopeList,
          roles: { ...roleList, description: 'Roles, each standing for its scopes (see `GET /api/v1/oauth/role`).' },
          name: clientName,
          description: { type: ['string', 'null'], maxLength: DESCRIPTION_MAX_LENGTH },
        },
      },
    ],
  },
  ClientUpdate: {
    type: 'object',
    description: 'What is left out stays as it is; null keeps the name, scopes and roles, and clears the description.',
    properties: {
      scopes: { oneOf: [scopeList, { type: 'null' }] },
      roles: { oneOf: [roleList, { type: 'null' }] },
      name: clientName,
      description: { type: ['string', 'null'], maxLength: DESCRIPTION_MAX_LENGTH },
    },
  },
  ClientCredentials: {
    type: 'object',
    required: ['client_id', 'client_secret'],
    additionalProperties: false,
    properties: {
      client_id: { type: 'string' },
      client_secret: { type: 'string', description: 'Shown this once; only its hash is stored.' },
    },
  },
  Client: {
    type: 'object',
    required: ['client_id', 'name', 'description', 'scopes', 'roles'],
    properties: {
      client_id: { type: 'string' },
      name: { type: ['string', 'null'] },
      description: { type: ['string', 'null'] },
      scopes: {
        oneOf: [scopeList, { type: 'null' }],
        description: 'The scopes it holds directly. Null only in an update answer to a caller without `client:read`.',
      },
      roles: {
        oneOf: [roleList, { type: 'null' }],
        description: 'Its roles. Null only in an update answer to a caller without `client:read`.',
      },
    },
  },
  ClientRevocation: {
    type: 'object',
    required: ['revoked_before'],
    additionalProperties: false,
    properties: {
      revoked_before: {
        type: 'string',
        format: 'date-time',
        description:
          'Tokens issued up to this instant (to the second) are revoked; ISO 8601 in UTC with a `+00:00` offset.',
        examples: ['2026-12-01T09:30:00.000+00:00'],
      },
    },
  },
  ClientPage: page('Client'),
  ScopeList: scopeList,
  AuditEvent: {
    type: 'object',
    required: ['id', 'at', 'action', 'actor_client_id', 'client_id', 'ip', 'request_id', 'details'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      at: { type: 'string', format: 'date-time', description: 'ISO 8601 in UTC with a `+00:00` offset.' },
      action: { type: 'string', enum: [...AUDIT_ACTIONS] },
      actor_client_id: { type: ['string', 'null'], description: 'Who made the change; null for the server itself.' },
      client_id: { type: ['string', 'null'], description: 'The client the change is about, when there is one.' },
      ip: { type: ['string', 'null'] },
      request_id: { type: ['string', 'null'] },
      details: { type: 'object', description: 'What changed; never a secret or a token.' },
    },
  },
  AuditPage: page('AuditEvent'),
  SigningKey: {
    type: 'object',
    required: ['kid', 'activates_at', 'state'],
    additionalProperties: false,
    properties: {
      kid: { type: 'string' },
      activates_at: { type: 'string', format: 'date-time', description: 'When it signs (or began to sign) tokens.' },
      state: {
        type: 'string',
        enum: ['signing', 'pending', 'verifying'],
        description:
          '`signing`: signs new tokens now; `pending`: published, signs from `activates_at`; `verifying`: ' +
          'superseded, still verifies the tokens it signed.',
      },
    },
  },
  SigningKeyList: { type: 'array', items: { $ref: '#/components/schemas/SigningKey' } },
  KeyRotate: {
    type: 'object',
    additionalProperties: false,
    properties: {
      activate_in_seconds: {
        type: ['integer', 'null'],
        minimum: 0,
        description: 'Seconds until the new key signs; 0 signs at once.',
      },
    },
  },
  KeyRotation: {
    type: 'object',
    required: ['kid', 'activates_at', 'removed', 'keys'],
    additionalProperties: false,
    properties: {
      kid: { type: 'string', description: 'The new key.' },
      activates_at: { type: 'string', format: 'date-time' },
      removed: {
        type: 'array',
        items: { type: 'string' },
        description: 'Keys removed: every token they signed has expired.',
      },
      keys: { $ref: '#/components/schemas/SigningKeyList' },
    },
  },
  Start: {
    type: 'object',
    required: ['name', 'description', 'docs', 'openapi', 'graphql', 'metadata', 'token_endpoint'],
    properties: {
      name: { type: 'string' },
      description: { type: 'string' },
      docs: { type: 'string', format: 'uri' },
      openapi: { type: 'string', format: 'uri' },
      graphql: { type: 'string', format: 'uri' },
      metadata: { type: 'string', format: 'uri' },
      token_endpoint: { type: 'string', format: 'uri' },
    },
  },
  RoleMapping: {
    type: 'object',
    description: 'Each role’s name, in Fides’ order, and the sorted scopes it stands for.',
    required: roleNames,
    additionalProperties: false,
    properties: Object.fromEntries(roleNames.map((name) => [name, scopeList])),
  },
  Jwks: {
    type: 'object',
    required: ['keys'],
    properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } } },
  },
  RuleTarget: {
    type: 'object',
    required: ['data_category'],
    properties: {
      key: {
        type: 'string',
        description:
          'A FidesKey, unique across rules; made from the name (or from `{rule id}-{data_category}`) when absent.',
      },
      name: {
        type: ['string', 'null'],
        maxLength: NAME_MAX_LENGTH,
        description: 'Unique across rules; `{rule id}-{data_category}` when absent.',
      },
      data_category: {
        type: 'string',
        description: 'A category of Fides’ default taxonomy (fideslang 3.1).',
        examples: ['user.contact.email'],
      },
    },
  },
  MaskingStrategy: {
    type: 'object',
    required: ['strategy'],
    description: 'As sent: the configuration is stored, and never answered.',
    properties: { strategy: { type: 'string', examples: ['null_rewrite'] }, configuration: { type: 'object' } },
  },
  MaskingStrategyResponse: {
    type: 'object',
    required: ['strategy'],
    additionalProperties: false,
    description: 'The strategy’s name only, as Fides answers: its configuration may hold secrets.',
    properties: { strategy: { type: 'string', examples: ['hmac'] } },
  },
  Rule: {
    type: 'object',
    required: ['key', 'name', 'action_type', 'masking_strategy', 'targets'],
    properties: {
      key: { type: 'string' },
      name: { type: 'string' },
      action_type: { type: 'string', enum: [...SUPPORTED_ACTION_TYPES] },
      masking_strategy: { oneOf: [{ $ref: '#/components/schemas/MaskingStrategyResponse' }, { type: 'null' }] },
      targets: { type: 'array', items: { $ref: '#/components/schemas/RuleTarget' } },
    },
  },
  RuleInput: {
    type: 'object',
    required: ['name', 'action_type'],
    properties: {
      key: { type: 'string', description: 'A FidesKey; without one the item creates, keyed by the snake-cased name.' },
      name: { type: 'string', maxLength: NAME_MAX_LENGTH },
      action_type: { type: 'string', enum: [...ACTION_TYPES] },
      masking_strategy: { oneOf: [{ $ref: '#/components/schemas/MaskingStrategy' }, { type: 'null' }] },
      targets: { type: 'array', items: { $ref: '#/components/schemas/RuleTarget' } },
    },
  },
  Policy: {
    type: 'object',
    required: ['key', 'name', 'drp_action', 'execution_timeframe'],
    properties: {
      key: { type: 'string' },
      name: { type: 'string' },
      drp_action: {
        type: ['string', 'null'],
        enum: [...DRP_ACTIONS, null],
        description: `Only ${SUPPORTED_DRP_ACTIONS.join(' and ')} can be set; one policy per action.`,
      },
      execution_timeframe: { type: ['integer', 'null'], description: 'Days.' },
      rules: {
        type: 'array',
        items: { $ref: '#/components/schemas/Rule' },
        description: 'Only for a caller holding rule:read.',
      },
    },
  },
  PolicyInput: {
    type: 'object',
    required: ['name'],
    properties: {
      key: { type: 'string', description: 'A FidesKey; without one the item creates, keyed by the snake-cased name.' },
      name: { type: 'string', maxLength: NAME_MAX_LENGTH },
      drp_action: {
        type: ['string', 'null'],
        enum: [...DRP_ACTIONS, null],
        description: `${SUPPORTED_DRP_ACTIONS.join(' or ')}; the other Fides actions are not supported. One policy per action.`,
      },
      execution_timeframe: { type: ['integer', 'null'], minimum: 0 },
      action_type: {
        type: ['string', 'null'],
        enum: [...ACTION_TYPES, null],
        description: `On create: one rule of this type (${SUPPORTED_ACTION_TYPES.join(', ')}). Not with \`rules\`.`,
      },
      rules: {
        type: ['array', 'null'],
        items: { $ref: '#/components/schemas/RuleInput' },
        description: 'On create: these rules, with their targets. Not with `action_type`.',
      },
    },
  },
  PolicyPage: page('Policy'),
  RulePage: page('Rule'),
  RuleTargetPage: page('RuleTarget'),
  PolicyBulkResult: bulk('Policy'),
  RuleBulkResult: bulk('Rule'),
  RuleTargetBulkResult: bulk('RuleTarget'),
  AuthorizationServerMetadata: { type: 'object', description: 'RFC 8414 §2.', additionalProperties: true },
} satisfies Record<string, Schema>;
