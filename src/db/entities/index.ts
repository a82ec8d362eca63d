import { AuditEventSchema } from './audit-event.entity.js';
import { ClientRevocationSchema } from './client-revocation.entity.js';
import { ClientSchema } from './client.entity.js';
import { PolicySchema } from './policy.entity.js';
import { RevokedTokenSchema } from './revoked-token.entity.js';
import { RuleTargetSchema } from './rule-target.entity.js';
import { RuleSchema } from './rule.entity.js';
import { SigningKeySchema } from './signing-key.entity.js';

export const entities = [
  ClientSchema,
  ClientRevocationSchema,
  SigningKeySchema,
  RevokedTokenSchema,
  PolicySchema,
  RuleSchema,
  RuleTargetSchema,
  AuditEventSchema,
];
export {
  AuditEventSchema,
  ClientRevocationSchema,
  ClientSchema,
  PolicySchema,
  RevokedTokenSchema,
  RuleSchema,
  RuleTargetSchema,
  SigningKeySchema,
};
export type { AuditEvent } from './audit-event.entity.js';
export type { Client } from './client.entity.js';
export type { ClientRevocation } from './client-revocation.entity.js';
export type { Policy } from './policy.entity.js';
export type { RevokedToken } from './revoked-token.entity.js';
export type { Rule } from './rule.entity.js';
export type { RuleTarget } from './rule-target.entity.js';
export type { SigningKey } from './signing-key.entity.js';
