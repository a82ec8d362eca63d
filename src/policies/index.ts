export { DATA_CATEGORIES, DEFAULT_USER_DATA_CATEGORIES } from './data-categories.js';
export {
  ACTION_TYPES,
  DEFAULT_ERASURE_MASKING_STRATEGY,
  DRP_ACTIONS,
  MAX_BULK_ITEMS,
  NAME_MAX_LENGTH,
  SUPPORTED_ACTION_TYPES,
  SUPPORTED_DRP_ACTIONS,
} from './model.js';
export type { BulkItem, BulkResult, MaskingStrategyView, PolicyView, RuleTargetView, RuleView } from './model.js';
export { policyNotFound } from './messages.js';
export { getPolicy, getRule, listPolicies, listRules } from './read.js';
export { deleteRuleTarget, getRuleTarget, listRuleTargets, upsertRuleTargets } from './targets.js';
export { deletePolicy, deleteRule, upsertPolicies, upsertRules } from './write.js';
