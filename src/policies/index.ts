export {
  ACTION_TYPES,
  DRP_ACTIONS,
  MAX_BULK_ITEMS,
  NAME_MAX_LENGTH,
  SUPPORTED_ACTION_TYPES,
  SUPPORTED_DRP_ACTIONS,
} from './model.js';
export type { BulkItem, BulkResult, MaskingStrategy, PolicyView, RuleTargetView, RuleView } from './model.js';
export { getPolicy, getRule, listPolicies, listRules, policyNotFound } from './read.js';
export { deletePolicy, deleteRule, upsertPolicies, upsertRules } from './write.js';
