import type { EntityManager } from '@mikro-orm/core';
import { pagedList, REQUIRED_SCOPES, requireScopes, type Principal } from '../access/index.js';
import type { PageRequest, RequestEnv } from '../core/index.js';
import { PolicySchema, RuleSchema, type Rule } from '../db/entities/index.js';
import { policyNotFound, ruleNotFound } from './messages.js';
import type { PolicyView, RuleView } from './model.js';
import { policyViews, ruleViews } from './views.js';

/** Policies, newest first; with their rules for a caller that also holds `rule:read`. */
export const listPolicies = pagedList('readPolicy', PolicySchema, (env: RequestEnv, caller, _query: PageRequest) => ({
  where: () => ({}),
  orderBy: { createdAt: 'desc', key: 'asc' },
  views: (rows) => policyViews(env.em, caller, rows),
}));

export async function getPolicy(env: RequestEnv, principal: Principal | null, key: string): Promise<PolicyView | null> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.readPolicy);
  const row = await env.em.findOne(PolicySchema, { key });
  return row ? (await policyViews(env.em, caller, [row]))[0]! : null;
}

/** Which policy's rules, and which page of them. */
export interface RuleQuery extends PageRequest {
  readonly policyKey: string;
}

/** A policy's rules, newest first. 404 for an unknown policy. */
export const listRules = pagedList('readRule', RuleSchema, (env: RequestEnv, _caller, { policyKey }: RuleQuery) => ({
  where: async () => {
    const policy = await env.em.findOne(PolicySchema, { key: policyKey });
    if (!policy) throw policyNotFound(policyKey);
    return { policy };
  },
  orderBy: { createdAt: 'desc', key: 'asc' },
  views: (rows) => ruleViews(env.em, rows),
}));

export async function getRule(
  env: RequestEnv,
  principal: Principal | null,
  policyKey: string,
  ruleKey: string,
): Promise<RuleView> {
  requireScopes(principal, REQUIRED_SCOPES.readRule);
  return (await ruleViews(env.em, [await findRule(env.em, policyKey, ruleKey)]))[0]!;
}

/** The rule `ruleKey` of the policy `policyKey`, or the 404 that says which of the two is missing. */
export async function findRule(em: EntityManager, policyKey: string, ruleKey: string): Promise<Rule> {
  const policy = await em.findOne(PolicySchema, { key: policyKey });
  if (!policy) throw policyNotFound(policyKey);
  const rule = await em.findOne(RuleSchema, { policy, key: ruleKey });
  if (!rule) throw ruleNotFound(ruleKey, policyKey);
  return rule;
}
