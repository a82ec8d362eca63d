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

/**
 * An object schema: `type: 'object'`, then `head` (its `required` members and any of `additionalProperties` and
 * `description`, in the order given, which is the document's), then its `properties`. Every object body is one.
 */
function objectSchema(head: Schema, properties: Record<string, unknown>): Schema {
  return { type: 'object', ...head, properties };
}

function page(item: string): Schema {
  return objectSchema(
    { required: ['items', 'total', 'page', 'size', 'pages'] },
    {
      items: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
      total: { type: 'integer' },
      page: { type: 'integer' },
      size: { type: 'integer' },
      pages: { type: 'integer' },
    },
  );
}

function bulk(item: string): Schema {
  return objectSchema(
    { required: ['succeeded', 'failed'] },
    {
      succeeded: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
      failed: {
        type: 'array',
        items: objectSchema({ required: ['message', 'data'] }, { message: { type: 'string' }, data: {} }),
      },
    },
  );
}

/** The client's credentials in a form body, where the token, introspection and revocation endpoints take them. */
const clientCredentialsInBody = {
  client_id: { type: 'string', description: 'With client_secret, unless HTTP Basic is used.' },
  client_secret: { type: 'string' },
};

/** A URL we answer with. */
const uri: Schema = { type: 'string', format: 'uri' };

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
  Error: objectSchema(
    { required: ['detail'] },
    {
      detail: { type: 'string' },
      request_id: { type: 'string', description: 'On 5xx answers: quote it.' },
    },
  ),
  ValidationError: objectSchema(
    { required: ['detail'] },
    {
      detail: {
        type: 'array',
        items: objectSchema(
          { required: ['loc', 'msg', 'type'] },
          {
            loc: { type: 'array', items: { type: ['string', 'integer'] } },
            msg: { type: 'string' },
            type: { type: 'string' },
          },
        ),
      },
    },
  ),
  OAuthError: objectSchema(
    { required: ['detail', 'error', 'error_description'] },
    {
      detail: { type: 'string' },
      error: { type: 'string', enum: ['invalid_request', 'invalid_client', 'invalid_scope', 'unsupported_grant_type'] },
      error_description: { type: 'string' },
    },
  ),
  TokenRequest: objectSchema(
    { required: ['grant_type'] },
    {
      grant_type: { type: 'string', const: 'client_credentials' },
      ...clientCredentialsInBody,
      scope: { type: 'string', description: 'Space-separated subset of the client’s scopes; all of them when absent.' },
    },
  ),
  TokenResponse: objectSchema(
    { required: ['access_token', 'token_type', 'expires_in', 'expires_at', 'scope'] },
    {
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
  ),
  TokenParameter: objectSchema(
    { required: ['token'] },
    {
      token: { type: 'string' },
      token_type_hint: { type: 'string', description: 'Accepted and ignored: only access tokens exist.' },
      ...clientCredentialsInBody,
    },
  ),
  Introspection: objectSchema(
    { required: ['active'] },
    {
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
  ),
  ClientCreate: {
    oneOf: [
      { ...scopeList, description: 'A bare list of scopes, as Fides took it.' },
      objectSchema(
        {},
        {
          scopes: scopeList,
          roles: { ...roleList, description: 'Roles, each standing for its scopes (see `GET /api/v1/oauth/role`).' },
          name: clientName,
          description: { type: ['string', 'null'], maxLength: DESCRIPTION_MAX_LENGTH },
        },
      ),
    ],
  },
  ClientUpdate: objectSchema(
    {
      description:
        'What is left out stays as it is; null keeps the name, scopes and roles, and clears the description.',
    },
    {
      scopes: { oneOf: [scopeList, { type: 'null' }] },
      roles: { oneOf: [roleList, { type: 'null' }] },
      name: clientName,
      description: { type: ['string', 'null'], maxLength: DESCRIPTION_MAX_LENGTH },
    },
  ),
  ClientCredentials: objectSchema(
    { required: ['client_id', 'client_secret'], additionalProperties: false },
    {
      client_id: { type: 'string' },
      client_secret: { type: 'string', description: 'Shown this once; only its hash is stored.' },
    },
  ),
  Client: objectSchema(
    { required: ['client_id', 'name', 'description', 'scopes', 'roles'] },
    {
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
  ),
  ClientRevocation: objectSchema(
    { required: ['revoked_before'], additionalProperties: false },
    {
      revoked_before: {
        type: 'string',
        format: 'date-time',
        description:
          'Tokens issued up to this instant (to the second) are revoked; ISO 8601 in UTC with a `+00:00` offset.',
        examples: ['2026-12-01T09:30:00.000+00:00'],
      },
    },
  ),
  ClientPage: page('Client'),
  ScopeList: scopeList,
  AuditEvent: objectSchema(
    { required: ['id', 'at', 'action', 'actor_client_id', 'client_id', 'ip', 'request_id', 'details'] },
    {
      id: { type: 'string', format: 'uuid' },
      at: { type: 'string', format: 'date-time', description: 'ISO 8601 in UTC with a `+00:00` offset.' },
      action: { type: 'string', enum: [...AUDIT_ACTIONS] },
      actor_client_id: { type: ['string', 'null'], description: 'Who made the change; null for the server itself.' },
      client_id: { type: ['string', 'null'], description: 'The client the change is about, when there is one.' },
      ip: { type: ['string', 'null'] },
      request_id: { type: ['string', 'null'] },
      details: { type: 'object', description: 'What changed; never a secret or a token.' },
    },
  ),
  AuditPage: page('AuditEvent'),
  SigningKey: objectSchema(
    { required: ['kid', 'activates_at', 'state'], additionalProperties: false },
    {
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
  ),
  SigningKeyList: { type: 'array', items: { $ref: '#/components/schemas/SigningKey' } },
  KeyRotate: objectSchema(
    { additionalProperties: false },
    {
      activate_in_seconds: {
        type: ['integer', 'null'],
        minimum: 0,
        description: 'Seconds until the new key signs; 0 signs at once.',
      },
    },
  ),
  KeyRotation: objectSchema(
    { required: ['kid', 'activates_at', 'removed', 'keys'], additionalProperties: false },
    {
      kid: { type: 'string', description: 'The new key.' },
      activates_at: { type: 'string', format: 'date-time' },
      removed: {
        type: 'array',
        items: { type: 'string' },
        description: 'Keys removed: every token they signed has expired.',
      },
      keys: { $ref: '#/components/schemas/SigningKeyList' },
    },
  ),
  Start: objectSchema(
    { required: ['name', 'description', 'docs', 'openapi', 'graphql', 'metadata', 'token_endpoint'] },
    {
      name: { type: 'string' },
      description: { type: 'string' },
      docs: uri,
      openapi: uri,
      graphql: uri,
      metadata: uri,
      token_endpoint: uri,
    },
  ),
  RoleMapping: objectSchema(
    {
      description: 'Each role’s name, in Fides’ order, and the sorted scopes it stands for.',
      required: roleNames,
      additionalProperties: false,
    },
    Object.fromEntries(roleNames.map((name) => [name, scopeList])),
  ),
  Jwks: objectSchema(
    { required: ['keys'] },
    { keys: { type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } } },
  ),
  RuleTarget: objectSchema(
    { required: ['data_category'] },
    {
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
  ),
  MaskingStrategy: objectSchema(
    { required: ['strategy'], description: 'As sent: the configuration is stored, and never answered.' },
    { strategy: { type: 'string', examples: ['null_rewrite'] }, configuration: { type: 'object' } },
  ),
  MaskingStrategyResponse: objectSchema(
    {
      required: ['strategy'],
      additionalProperties: false,
      description: 'The strategy’s name only, as Fides answers: its configuration may hold secrets.',
    },
    { strategy: { type: 'string', examples: ['hmac'] } },
  ),
  Rule: objectSchema(
    { required: ['key', 'name', 'action_type', 'masking_strategy', 'targets'] },
    {
      key: { type: 'string' },
      name: { type: 'string' },
      action_type: { type: 'string', enum: [...SUPPORTED_ACTION_TYPES] },
      masking_strategy: { oneOf: [{ $ref: '#/components/schemas/MaskingStrategyResponse' }, { type: 'null' }] },
      targets: { type: 'array', items: { $ref: '#/components/schemas/RuleTarget' } },
    },
  ),
  RuleInput: objectSchema(
    { required: ['name', 'action_type'] },
    {
      key: { type: 'string', description: 'A FidesKey; without one the item creates, keyed by the snake-cased name.' },
      name: { type: 'string', maxLength: NAME_MAX_LENGTH },
      action_type: { type: 'string', enum: [...ACTION_TYPES] },
      masking_strategy: { oneOf: [{ $ref: '#/components/schemas/MaskingStrategy' }, { type: 'null' }] },
      targets: { type: 'array', items: { $ref: '#/components/schemas/RuleTarget' } },
    },
  ),
  Policy: objectSchema(
    { required: ['key', 'name', 'drp_action', 'execution_timeframe'] },
    {
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
  ),
  PolicyInput: objectSchema(
    { required: ['name'] },
    {
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
  ),
  PolicyPage: page('Policy'),
  RulePage: page('Rule'),
  RuleTargetPage: page('RuleTarget'),
  PolicyBulkResult: bulk('Policy'),
  RuleBulkResult: bulk('Rule'),
  RuleTargetBulkResult: bulk('RuleTarget'),
  AuthorizationServerMetadata: { type: 'object', description: 'RFC 8414 §2.', additionalProperties: true },
} satisfies Record<string, Schema>;
