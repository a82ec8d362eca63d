import { fidesKeyProblem, keyFromName } from './fides-key.js';
import {
  ACTION_TYPES,
  DRP_ACTIONS,
  NAME_MAX_LENGTH,
  SUPPORTED_ACTION_TYPES,
  SUPPORTED_DRP_ACTIONS,
  type MaskingStrategy,
  type SupportedActionType,
} from './model.js';

// Item validation for the bulk upserts. Each check answers with the message that lands in `failed`, so one bad
// item never sinks the others. A message about the item's shape names its field (`name: Field required`); a rule of
// the domain speaks as Fides does (`Erasure Rules must have masking strategies.`).

export class ItemError extends Error {
  override name = 'ItemError';
}

/** A key as given, or the one made from the name when none is given (then a new row is always made, as in Fides). */
export interface Keyed {
  key: string;
  keyGiven: boolean;
}

export interface PolicyInputValue extends Keyed {
  name: string;
  drpAction: string | null;
  executionTimeframe: number | null;
  /** On create only: one rule of this type with Fides' default targets. */
  actionType: SupportedActionType | null;
  /** On create only: these rules, with their targets. */
  rules: RuleInputValue[] | null;
}

export interface RuleInputValue extends Keyed {
  name: string;
  actionType: SupportedActionType;
  maskingStrategy: MaskingStrategy | null;
  /** When given, the rule's targets become these. */
  targets: TargetInputValue[] | undefined;
}

export interface TargetInputValue {
  key: string | null;
  name: string | null;
  dataCategory: string;
}

const choices = (values: readonly string[]) =>
  `Input should be ${values
    .slice(0, -1)
    .map((value) => `'${value}'`)
    .join(', ')} or '${values.at(-1)}'`;

export function validatePolicyInput(value: unknown): PolicyInputValue {
  const item = object(value, 'policy');
  const name = requiredName(item.name, '');
  const keyed = keyOf(item.key, name, '');
  const drpAction = optional(item.drpAction, (v) => {
    if (typeof v !== 'string' || !(DRP_ACTIONS as readonly string[]).includes(v)) {
      throw new ItemError(`drp_action: ${choices(DRP_ACTIONS)}`);
    }
    if (!(SUPPORTED_DRP_ACTIONS as readonly string[]).includes(v))
      throw new ItemError(`${v} action is not supported at this time.`);
    return v;
  });
  const executionTimeframe = optional(item.executionTimeframe, (v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100_000) {
      throw new ItemError('execution_timeframe: Input should be a whole number of days from 0 to 100000');
    }
    return v;
  });
  const actionType = optional(item.actionType, (v) => {
    const type = actionTypeOf(v, '');
    if (!(SUPPORTED_ACTION_TYPES as readonly string[]).includes(type)) {
      throw new ItemError(
        `Unsupported action_type '${type}'. Must be one of: ${[...SUPPORTED_ACTION_TYPES].sort().join(', ')}`,
      );
    }
    return type as SupportedActionType;
  });
  const rules = optional(item.rules, (v) => {
    if (!Array.isArray(v)) throw new ItemError('rules: Input should be a valid list');
    return v.map((rule) => validateRuleInput(rule, 'rules: '));
  });
  if (actionType !== null && rules !== null) throw new ItemError("Provide either 'action_type' or 'rules', not both.");
  return { ...keyed, name, drpAction, executionTimeframe, actionType, rules };
}

/** A rule; `prefix` places its shape messages when it sits inside a policy (`rules: name: Field required`). */
export function validateRuleInput(value: unknown, prefix = ''): RuleInputValue {
  const item = object(value, `${prefix}rule`);
  const name = requiredName(item.name, prefix);
  const keyed = keyOf(item.key, name, prefix);
  const actionType = actionTypeOf(item.actionType, prefix);
  if (actionType === 'update') throw new ItemError('update Rules are not supported at this time.');
  const maskingStrategy = optional(item.maskingStrategy, (v) => masking(v, prefix));
  if (actionType === 'erasure' && !maskingStrategy) throw new ItemError('Erasure Rules must have masking strategies.');
  // SPEC §8 refuses masking on access rules; Fides accepts it on access and consent rules alike, and so do we on
  // consent rules, where SPEC is silent.
  if (actionType === 'access' && maskingStrategy) throw new ItemError('Access Rules cannot have masking strategies.');
  const targets =
    item.targets === undefined || item.targets === null ? undefined : targetList(item.targets, `${prefix}targets: `);
  return { ...keyed, name, actionType: actionType as SupportedActionType, maskingStrategy, targets };
}

/** One item of a target PATCH (or of a rule's inline `targets`, with `prefix`). */
export function validateTargetInput(value: unknown, prefix = ''): TargetInputValue {
  const target = object(value, `${prefix}target`);
  const dataCategory = target.dataCategory;
  if (dataCategory === undefined || dataCategory === null)
    throw new ItemError(`${prefix}data_category: Field required`);
  if (typeof dataCategory !== 'string' || dataCategory === '' || dataCategory.length > NAME_MAX_LENGTH) {
    throw new ItemError(
      `${prefix}data_category: Input should be a non-empty string of at most ${NAME_MAX_LENGTH} characters`,
    );
  }
  const name = optional(target.name, (v) => {
    if (typeof v !== 'string' || v === '' || v.length > NAME_MAX_LENGTH) {
      throw new ItemError(`${prefix}name: Input should be a non-empty string of at most ${NAME_MAX_LENGTH} characters`);
    }
    return v;
  });
  const key = optional(target.key, (v) => fidesKey(v, prefix));
  return { key, name, dataCategory };
}

function targetList(value: unknown, prefix: string): TargetInputValue[] {
  if (!Array.isArray(value) || value.length > MAX_INLINE_TARGETS) {
    throw new ItemError(`${prefix}Input should be a list of at most ${MAX_INLINE_TARGETS} targets`);
  }
  return value.map((target) => validateTargetInput(target, prefix));
}

/** The taxonomy has 85 categories and a rule names each at most once. */
const MAX_INLINE_TARGETS = 100;

function actionTypeOf(value: unknown, prefix: string): string {
  if (typeof value !== 'string' || !(ACTION_TYPES as readonly string[]).includes(value)) {
    throw new ItemError(`${prefix}action_type: ${choices(ACTION_TYPES)}`);
  }
  return value;
}

function masking(value: unknown, prefix: string): MaskingStrategy {
  const strategy = object(value, `${prefix}masking_strategy`);
  const configuration = strategy.configuration ?? {};
  if (
    typeof strategy.strategy !== 'string' ||
    strategy.strategy === '' ||
    typeof configuration !== 'object' ||
    configuration === null ||
    Array.isArray(configuration)
  ) {
    throw new ItemError(`${prefix}masking_strategy: Input should be {strategy: string, configuration: object}`);
  }
  if (JSON.stringify(configuration).length > 10_000)
    throw new ItemError(`${prefix}masking_strategy: configuration is too large`);
  return { strategy: strategy.strategy, configuration: configuration as Record<string, unknown> };
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ItemError(`${what}: Input should be a valid dictionary`);
  return value as Record<string, unknown>;
}

function requiredName(value: unknown, prefix: string): string {
  if (value === undefined || value === null) throw new ItemError(`${prefix}name: Field required`);
  if (typeof value !== 'string' || value.trim() === '' || value.length > NAME_MAX_LENGTH) {
    throw new ItemError(`${prefix}name: Input should be a non-empty string of at most ${NAME_MAX_LENGTH} characters`);
  }
  return value;
}

function keyOf(value: unknown, name: string, prefix: string): Keyed {
  if (value !== undefined && value !== null) return { key: fidesKey(value, prefix), keyGiven: true };
  return { key: generatedKey(name, prefix), keyGiven: false };
}

/** The key Fides makes from a name; one that cannot be made (`***`) or is too long is the caller's to give. */
export function generatedKey(name: string, prefix = ''): string {
  const generated = keyFromName(name);
  if (generated === '')
    throw new ItemError(`${prefix}key: cannot be generated from the name ${JSON.stringify(name)}; give one`);
  const problem = fidesKeyProblem(generated);
  if (problem) throw new ItemError(`${prefix}key: ${problem}`);
  return generated;
}

function fidesKey(value: unknown, prefix: string): string {
  if (typeof value !== 'string') throw new ItemError(`${prefix}key: Input should be a valid string`);
  const problem = fidesKeyProblem(value);
  if (problem) throw new ItemError(`${prefix}key: ${problem}`);
  return value;
}

function optional<T>(value: unknown, check: (value: unknown) => T): T | null {
  if (value === undefined || value === null) return null;
  return check(value);
}
