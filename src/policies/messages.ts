import { NotFoundError } from '../core/index.js';

// Every message the policy domain answers, in one place. Where Fides has a text for the same case, it is Fides'
// text, word for word (two spaces included); the others are ours, and the README lists them.

type Table = 'Policy' | 'Rule' | 'RuleTarget';

export const policyNotFound = (key: string) => new NotFoundError(`No Policy found for key ${key}.`);
/** GET and DELETE of a rule (SPEC §8), and GET of a rule's targets (Fides' `get_rule_or_error`). */
export const ruleNotFound = (ruleKey: string, policyKey: string) =>
  new NotFoundError(`No Rule found for key ${ruleKey} attached to policy ${policyKey}`);
/** PATCH and DELETE of a rule's targets: Fides words the same case differently on these routes. */
export const ruleNotFoundOnPolicy = (ruleKey: string, policyKey: string) =>
  new NotFoundError(`No Rule found for key ${ruleKey} on Policy ${policyKey}.`);
export const targetNotFound = (targetKey: string, ruleKey: string) =>
  new NotFoundError(`No Rule Target found for key ${targetKey} attached to rule ${ruleKey}.`);
export const targetNotFoundOnRule = (targetKey: string, ruleKey: string, policyKey: string) =>
  new NotFoundError(`No RuleTarget found for key ${targetKey} at Rule ${ruleKey} on Policy ${policyKey}.`);

export const keyExists = (key: string, table: Table) =>
  `Key ${key} already exists in ${table}. Keys will be snake-cased names if not provided. If you are seeing this ` +
  'error without providing a key, please provide a key or a different name.';
export const nameExists = (name: string, table: Table) => `Name ${name} already exists in ${table}.`;
/** Ours: Fides answers this case with the database's unique-violation text. */
export const drpActionTaken = (drpAction: string) =>
  `drp_action ${drpAction} is already set on another policy: a DRP action belongs to one policy at most.`;
export const ruleOfAnotherPolicy = (key: string) => `Rule with identifier ${key} belongs to another policy.`;
export const targetOfAnotherRule = (key: string) => `RuleTarget with identifier ${key} belongs to another rule.`;
export const oneConsentRule = (existingKey: string) =>
  `Policies can only have one consent rule attached.  Existing rule ${existingKey} found.`;
export const categoryTaken = (dataCategory: string, ruleId: string) =>
  `DataCategory ${dataCategory} is already specified on Rule with ID ${ruleId}`;
/** A category outside the taxonomy inside a policy's or a rule's item (the target routes refuse the whole batch). */
export const unknownCategory = (dataCategory: string) =>
  `The data category '${dataCategory}' was not found in the database, and is therefore not valid for use here.`;
export const erasureConflict = (descendant: string, ancestor: string) =>
  `Policy rules are invalid, action conflict in erasure rules detected for categories ${descendant} and ${ancestor}`;
/** Ours: what is left when a write lost a race twice in a row, which the retry makes all but impossible. */
export const concurrentChange = 'A change made at the same time took a key or a name of this item; send it again.';
