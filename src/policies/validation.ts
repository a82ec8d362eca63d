import { fidesKeyProblem, keyFromName } from './fides-key.js';
import { ACTION_TYPES, DRP_ACTIONS, NAME_MAX_LENGTH, SUPPORTED_DRP_ACTIONS, type MaskingStrategy } from './model.js';

// Item validation for the bulk upserts. Each check answers with the message that lands in `failed`, so one bad
// item never sinks the others.

export class ItemError extends Error {
  override name = 'ItemError';
}

export interface PolicyInputValue {
  key: string;
  name: string;
  drpAction: string | null;
  executionTimeframe: number | null;
}

export interface RuleInputValue {
  key: string;
  name: string;
  actionType: 'access' | 'erasure' | 'consent';
  maskingStrategy: MaskingStrategy | null;
  targets: { key: string; name: string | null; dataCategory: string }[] | undefined;
}

export function validatePolicyInput(value: unknown): PolicyInputValue {
  const item = object(value, 'policy');
  const name = requiredName(item.name);
  const key = keyOf(item.key, name);
  const drpAction = optional(item.drpAction, (v) => {
    if (typeof v !== 'string' || !(DRP_ACTIONS as readonly string[]).includes(v)) {
      throw new ItemError(`drp_action: Input should be ${DRP_ACTIONS.map((a) => `'${a}'`).join(', ')}`);
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
  return { key, name, drpAction, executionTimeframe };
}

export function validateRuleInput(value: unknown): RuleInputValue {
  const item = object(value, 'rule');
  const name = requiredName(item.name);
  const key = keyOf(item.key, name);
  const actionType = item.actionType;
  if (typeof actionType !== 'string' || !(ACTION_TYPES as readonly string[]).includes(actionType)) {
    throw new ItemError(`action_type: Input should be ${ACTION_TYPES.map((a) => `'${a}'`).join(', ')}`);
  }
  if (actionType === 'update') throw new ItemError('update Rules are not supported at this time.');
  const maskingStrategy = optional(item.maskingStrategy, masking);
  if (actionType === 'erasure' && !maskingStrategy) throw new ItemError('Erasure Rules must have masking strategies.');
  if (actionType === 'access' && maskingStrategy) throw new ItemError('Access Rules cannot have masking strategies.');
  if (actionType === 'consent' && maskingStrategy) throw new ItemError('Consent Rules cannot have masking strategies.');
  const targets = item.targets === undefined || item.targets === null ? undefined : targetList(item.targets);
  return { key, name, actionType: actionType as RuleInputValue['actionType'], maskingStrategy, targets };
}

function targetList(value: unknown): NonNullable<RuleInputValue['targets']> {
  if (!Array.isArray(value) || value.length > 100)
    throw new ItemError('targets: Input should be a list of at most 100 targets');
  const targets = value.map((raw) => {
    const target = object(raw, 'target');
    const dataCategory = target.dataCategory;
    if (typeof dataCategory !== 'string' || dataCategory === '')
      throw new ItemError('targets: data_category is required');
    const categoryProblem = fidesKeyProblem(dataCategory);
    if (categoryProblem) throw new ItemError(`targets: data_category: ${categoryProblem}`);
    const name = optional(target.name, (v) => {
      if (typeof v !== 'string' || v.length > NAME_MAX_LENGTH)
        throw new ItemError(`targets: name: Input should be a string of at most ${NAME_MAX_LENGTH} characters`);
      return v;
    });
    const key =
      target.key === undefined || target.key === null ? keyFromName(name ?? dataCategory) : fidesKey(target.key);
    return { key, name, dataCategory };
  });
  const keys = new Set(targets.map((target) => target.key));
  if (keys.size !== targets.length) throw new ItemError('targets: keys must be unique within a rule');
  return targets;
}

function masking(value: unknown): MaskingStrategy {
  const strategy = object(value, 'masking_strategy');
  const configuration = strategy.configuration ?? {};
  if (
    typeof strategy.strategy !== 'string' ||
    strategy.strategy === '' ||
    typeof configuration !== 'object' ||
    configuration === null ||
    Array.isArray(configuration)
  ) {
    throw new ItemError('masking_strategy: Input should be {strategy: string, configuration: object}');
  }
  if (JSON.stringify(configuration).length > 10_000)
    throw new ItemError('masking_strategy: configuration is too large');
  return { strategy: strategy.strategy, configuration: configuration as Record<string, unknown> };
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ItemError(`${what}: Input should be a valid dictionary`);
  return value as Record<string, unknown>;
}

function requiredName(value: unknown): string {
  if (value === undefined || value === null) throw new ItemError('name: Field required');
  if (typeof value !== 'string' || value.trim() === '' || value.length > NAME_MAX_LENGTH) {
    throw new ItemError(`name: Input should be a non-empty string of at most ${NAME_MAX_LENGTH} characters`);
  }
  return value;
}

function keyOf(value: unknown, name: string): string {
  if (value !== undefined && value !== null) return fidesKey(value);
  const generated = keyFromName(name);
  if (generated === '') throw new ItemError(`key: cannot be generated from the name ${JSON.stringify(name)}; give one`);
  return generated;
}

function fidesKey(value: unknown): string {
  if (typeof value !== 'string') throw new ItemError('key: Input should be a valid string');
  const problem = fidesKeyProblem(value);
  if (problem) throw new ItemError(`key: ${problem}`);
  return value;
}

function optional<T>(value: unknown, check: (value: unknown) => T): T | null {
  if (value === undefined || value === null) return null;
  return check(value);
}
