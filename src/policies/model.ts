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

export const POLICY_REQUIRED_SCOPES = {
  readPolicy: ['policy:read'],
  upsertPolicy: ['policy:create_or_update'],
  deletePolicy: ['policy:delete'],
  readRule: ['rule:read'],
  upsertRule: ['rule:create_or_update'],
  deleteRule: ['rule:delete'],
} as const satisfies Record<string, readonly string[]>;
