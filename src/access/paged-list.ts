import type { EntityManager, EntityName } from '@mikro-orm/core';
import { findPage, type Page, type PageQuery, type PageRequest } from '../core/index.js';
import { REQUIRED_SCOPES, requireScopes, type Operation } from './permissions.js';
import type { Principal } from './principal.js';

/**
 * A paged-list use case, `(env, principal, query) => page`: it checks the scopes `operation` needs (401 or 403 before
 * anything else), then answers the page `query` asks for of `entity`'s rows, filtered, ordered and made views as
 * `read` says. The query carries the page and whatever names the list (a policy's key, the audit's filters).
 */
export function pagedList<
  Env extends { readonly em: EntityManager },
  Query extends PageRequest,
  Row extends object,
  View,
>(
  operation: Operation,
  entity: EntityName<Row>,
  read: (env: Env, caller: Principal, query: Query) => PageQuery<Row, View>,
): (env: Env, principal: Principal | null, query: Query) => Promise<Page<View>> {
  return async (env, principal, query) => {
    const caller = requireScopes(principal, REQUIRED_SCOPES[operation]);
    return findPage(env.em, query, entity, read(env, caller, query));
  };
}
