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
  readonly maskingStrategy: MaskingStrategy | null;
  readonly targets: readonly RuleTargetView[];
}

export interface RuleTargetView {
  readonly key: string;
  readonly name: string | null;
  readonly dataCategory: string;
}

export interface MaskingStrategy {
  readonly strategy: string;
  readonly configuration: Record<string, unknown>;
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
/** Policy and rule names, and keys, are at most this long. */
export const NAME_MAX_LENGTH = 200;

/** Fides' DSR actions, as Fides spells them on the wire; only some are supported (the others fail their item). */
export const DRP_ACTIONS = [
  'access',
  'deletion',
  'sale_opt_out',
  'sale_opt_in',
  'access_categories',
  'access_specific',
] as const;
export const SUPPORTED_DRP_ACTIONS = ['access', 'deletion'] as const;
/** Rule action types; `update` is refused as "not supported at this time", as Fides does. */
export const ACTION_TYPES = ['access', 'erasure', 'consent', 'update'] as const;
export const SUPPORTED_ACTION_TYPES = ['access', 'erasure', 'consent'] as const;
