import type { EntityManager } from '@mikro-orm/core';
import { holdsScopes, REQUIRED_SCOPES, requireScopes, type Principal } from '../access/index.js';
import { checkPage, toPage, type Page, type PageRequest, type RequestEnv } from '../core/index.js';
import {
  PolicySchema,
  RuleSchema,
  RuleTargetSchema,
  type Policy,
  type Rule,
  type RuleTarget,
} from '../db/entities/index.js';
import { policyNotFound, ruleNotFound } from './messages.js';
import type { PolicyView, RuleTargetView, RuleView } from './model.js';

/** Policies, newest first; with their rules for a caller that also holds `rule:read`. */
export async function listPolicies(
  env: RequestEnv,
  principal: Principal | null,
  request: PageRequest,
): Promise<Page<PolicyView>> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.readPolicy);
  const { page, size, offset } = checkPage(request);
  const [rows, total] = await env.em.findAndCount(
    PolicySchema,
    {},
    { orderBy: { createdAt: 'desc', key: 'asc' }, limit: size, offset },
  );
  return toPage(await policyViews(env.em, caller, rows), total, page, size);
}

export async function getPolicy(env: RequestEnv, principal: Principal | null, key: string): Promise<PolicyView | null> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.readPolicy);
  const row = await env.em.findOne(PolicySchema, { key });
  return row ? (await policyViews(env.em, caller, [row]))[0]! : null;
}

/** A policy's rules, newest first. 404 for an unknown policy. */
export async function listRules(
  env: RequestEnv,
  principal: Principal | null,
  policyKey: string,
  request: PageRequest,
): Promise<Page<RuleView>> {
  requireScopes(principal, REQUIRED_SCOPES.readRule);
  const { page, size, offset } = checkPage(request);
  const policy = await env.em.findOne(PolicySchema, { key: policyKey });
  if (!policy) throw policyNotFound(policyKey);
  const [rows, total] = await env.em.findAndCount(
    RuleSchema,
    { policy },
    { orderBy: { createdAt: 'desc', key: 'asc' }, limit: size, offset },
  );
  return toPage(await ruleViews(env.em, rows), total, page, size);
}

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

export async function policyViews(
  em: EntityManager,
  caller: Principal,
  rows: readonly Policy[],
): Promise<PolicyView[]> {
  const withRules = holdsScopes(caller, REQUIRED_SCOPES.readRule);
  const rules =
    withRules && rows.length > 0
      ? await em.find(
          RuleSchema,
          { policy: { $in: rows.map((row) => row.id) } },
          { orderBy: { createdAt: 'asc', key: 'asc' } },
        )
      : [];
  const views = await ruleViews(em, rules);
  return rows.map((row) => ({
    key: row.key,
    name: row.name,
    drpAction: row.drpAction ?? null,
    executionTimeframe: row.executionTimeframe ?? null,
    createdBy: row.createdBy ?? null,
    ...(withRules ? { rules: views.filter((_view, index) => rules[index]!.policy.id === row.id) } : {}),
  }));
}

/** Rules with their targets (by data category); of a masking strategy only its name, never its configuration. */
export async function ruleViews(em: EntityManager, rules: readonly Rule[]): Promise<RuleView[]> {
  const targets =
    rules.length > 0
      ? await em.find(
          RuleTargetSchema,
          { rule: { $in: rules.map((rule) => rule.id) } },
          { orderBy: { dataCategory: 'asc' } },
        )
      : [];
  return rules.map((rule) => ({
    key: rule.key,
    name: rule.name,
    actionType: rule.actionType,
    maskingStrategy: rule.maskingStrategy ? { strategy: rule.maskingStrategy.strategy } : null,
    targets: targets.filter((target) => target.rule.id === rule.id).map(targetView),
  }));
}

export function targetView(target: RuleTarget): RuleTargetView {
  return { key: target.key, name: target.name, dataCategory: target.dataCategory };
}
