/** What the policy use cases answer with; transports shape it (snake_case for REST, camelCase for GraphQL). */
export interface PolicyView {
  readonly key: string;
  readonly name: string;
  readonly drpAction: string | null;
  readonly executionTimeframe: number | null;
  readonly createdBy: string | null;
  /** Present only for a caller holding `rule:read`. */
  readonly rules?: readonly RuleView[];
}

export interface RuleView {
  readonly key: string;
  readonly name: string;
  readonly actionType: string;
  readonly maskingStrategy: MaskingStrategyView | null;
  readonly targets: readonly RuleTargetView[];
}

export interface RuleTargetView {
  readonly key: string;
  readonly name: string;
  readonly dataCategory: string;
}

/** A masking strategy as stored: the configuration may hold secrets, so it is never answered. */
export interface MaskingStrategy {
  readonly strategy: string;
  readonly configuration: Record<string, unknown>;
}

/** What a rule answers of its masking strategy: the strategy's name only, as Fides answers it. */
export interface MaskingStrategyView {
  readonly strategy: string;
}

/** One item of a bulk upsert as the client sent it (`data`), and the same in the domain's camelCase (`value`). */
export interface BulkItem {
  readonly value: unknown;
  readonly data: unknown;
}

export interface BulkResult<T> {
  readonly succeeded: readonly T[];
  readonly failed: readonly { readonly message: string; readonly data: unknown }[];
}

export const MAX_BULK_ITEMS = 50;
/** Policy, rule and target names, and keys, are at most this long. */
export const NAME_MAX_LENGTH = 200;

/** Fides' DRP actions, as Fides spells them on the wire; only some are supported (the others fail their item). */
export const DRP_ACTIONS = [
  'access',
  'deletion',
  'sale:opt_out',
  'sale:opt_in',
  'access:categories',
  'access:specific',
] as const;
export const SUPPORTED_DRP_ACTIONS = ['access', 'deletion'] as const;
/** Rule action types, in Fides' order; `update` is refused as "not supported at this time", as Fides does. */
export const ACTION_TYPES = ['access', 'consent', 'erasure', 'update'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export const SUPPORTED_ACTION_TYPES = ['access', 'consent', 'erasure'] as const;
export type SupportedActionType = (typeof SUPPORTED_ACTION_TYPES)[number];
/** The masking strategy of the erasure rule a policy's `action_type: erasure` creates, as Fides gives it. */
export const DEFAULT_ERASURE_MASKING_STRATEGY = 'hmac';
