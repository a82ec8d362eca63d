export { MAX_BULK_ITEMS, POLICY_REQUIRED_SCOPES } from './model.js';
export type { BulkItem, BulkResult, MaskingStrategy, PolicyView, RuleTargetView, RuleView } from './model.js';
export { getPolicy, getRule, listPolicies, listRules, policyNotFound } from './read.js';
export { deletePolicy, deleteRule, upsertPolicies, upsertRules } from './write.js';
