import { holdsScopes, REQUIRED_SCOPES, requireScopes, type Principal } from '../access/index.js';
import { checkPage, NotFoundError, toPage, type Page, type PageRequest, type RequestEnv } from '../core/index.js';
import { PolicySchema, RuleSchema, RuleTargetSchema, type Policy, type Rule } from '../db/entities/index.js';
import type { PolicyView, RuleView } from './model.js';

export const policyNotFound = (key: string) => new NotFoundError(`No Policy found for key ${key}.`);
export const ruleNotFound = (ruleKey: string, policyKey: string) =>
  new NotFoundError(`No Rule found for key ${ruleKey} attached to policy ${policyKey}`);

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
  return toPage(await policyViews(env, caller, rows), total, page, size);
}

export async function getPolicy(env: RequestEnv, principal: Principal | null, key: string): Promise<PolicyView | null> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.readPolicy);
  const row = await env.em.findOne(PolicySchema, { key });
  return row ? (await policyViews(env, caller, [row]))[0]! : null;
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
  return toPage(await ruleViews(env, rows), total, page, size);
}

export async function getRule(
  env: RequestEnv,
  principal: Principal | null,
  policyKey: string,
  ruleKey: string,
): Promise<RuleView> {
  requireScopes(principal, REQUIRED_SCOPES.readRule);
  const policy = await env.em.findOne(PolicySchema, { key: policyKey });
  if (!policy) throw policyNotFound(policyKey);
  const rule = await env.em.findOne(RuleSchema, { policy, key: ruleKey });
  if (!rule) throw ruleNotFound(ruleKey, policyKey);
  return (await ruleViews(env, [rule]))[0]!;
}

export async function policyViews(env: RequestEnv, caller: Principal, rows: readonly Policy[]): Promise<PolicyView[]> {
  const withRules = holdsScopes(caller, REQUIRED_SCOPES.readRule);
  const rules =
    withRules && rows.length > 0
      ? await env.em.find(
          RuleSchema,
          { policy: { $in: rows.map((row) => row.id) } },
          { orderBy: { createdAt: 'asc', key: 'asc' } },
        )
      : [];
  const views = await ruleViews(env, rules);
  return rows.map((row) => ({
    key: row.key,
    name: row.name,
    drpAction: row.drpAction ?? null,
    executionTimeframe: row.executionTimeframe ?? null,
    createdBy: row.createdBy ?? null,
    ...(withRules ? { rules: views.filter((_view, index) => rules[index]!.policy.id === row.id) } : {}),
  }));
}

export async function ruleViews(env: RequestEnv, rules: readonly Rule[]): Promise<RuleView[]> {
  const targets =
    rules.length > 0
      ? await env.em.find(
          RuleTargetSchema,
          { rule: { $in: rules.map((rule) => rule.id) } },
          { orderBy: { key: 'asc' } },
        )
      : [];
  return rules.map((rule) => ({
    key: rule.key,
    name: rule.name,
    actionType: rule.actionType,
    maskingStrategy: rule.maskingStrategy ?? null,
    targets: targets
      .filter((target) => target.rule.id === rule.id)
      .map((target) => ({ key: target.key, name: target.name ?? null, dataCategory: target.dataCategory })),
  }));
}
