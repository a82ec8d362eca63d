import type { EntityMetadata } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { Database } from './orm.js';

/** Policies and rules every migrated database starts with (the Fides defaults): a target holding only these is empty. */
const SEEDED_POLICY_KEYS = ['default_access_policy', 'default_erasure_policy', 'default_consent_policy'];
const SEEDED_RULE_KEYS = ['default_access_policy_rule', 'default_erasure_policy_rule', 'default_consent_rule'];

export class TargetNotEmptyError extends Error {
  override name = 'TargetNotEmptyError';
}

export interface CopyResult {
  /** Rows copied, by table, in the order they were written. */
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
}

/**
 * Copies every row of every table our entities map (clients with their secret hashes, signing keys still encrypted,
 * revocations, revoke-all marks, policies, rules, targets, audit events) from `source` to `target`, both already
 * migrated to the same version. Tables are read in full and written parents first, in one transaction on the target:
 * a failure leaves the target as it was. A target that holds anything but the seeded default policies is refused
 * unless `replace` is set, and then emptied first, in the same transaction.
 */
export async function copyDatabase(
  source: Database,
  target: Database,
  options: { replace?: boolean } = {},
): Promise<CopyResult> {
  const tables = tablesInDependencyOrder(source);
  const jsonColumns = jsonColumnsByTable(source);
  const from = (source.orm.em as SqlEntityManager).getKnex();
  const to = (target.orm.em as SqlEntityManager).getKnex();
  if (!options.replace) {
    for (const table of tables) {
      const query = to(table).count<{ count: string | number }[]>({ count: '*' });
      if (table === 'policy') void query.whereNotIn('key', SEEDED_POLICY_KEYS);
      if (table === 'rule') void query.whereNotIn('key', SEEDED_RULE_KEYS);
      if (table === 'rule_target')
        void query.whereNotIn('rule_id', to('rule').select('id').whereIn('key', SEEDED_RULE_KEYS));
      const [{ count }] = (await query) as [{ count: string | number }];
      if (Number(count) > 0) {
        throw new TargetNotEmptyError(
          `the target database is not empty (table ${table} has rows): pass --replace to overwrite it`,
        );
      }
    }
  }
  const copied: { table: string; rows: number }[] = [];
  const rowsByTable = new Map<string, Record<string, unknown>[]>();
  for (const table of tables) rowsByTable.set(table, (await from(table).select('*')) as Record<string, unknown>[]);
  await to.transaction(async (trx) => {
    // Children first when emptying, parents first when filling: foreign keys hold at every step.
    for (const table of [...tables].reverse()) await trx(table).delete();
    for (const table of tables) {
      const json = jsonColumns.get(table) ?? new Set<string>();
      // pg writes a JS array as a PostgreSQL array: right for text[] columns, wrong for JSON ones, which go as text.
      const rows = rowsByTable
        .get(table)!
        .map((row) =>
          Object.fromEntries(
            Object.entries(row).map(([column, value]) => [
              column,
              json.has(column) && value !== null ? JSON.stringify(value) : value,
            ]),
          ),
        );
      // Batches keep each statement well under PostgreSQL's 65,535 parameters.
      for (let i = 0; i < rows.length; i += 500) await trx(table).insert(rows.slice(i, i + 500));
      copied.push({ table, rows: rows.length });
    }
  });
  return { tables: copied };
}

function entityMetadata(db: Database): EntityMetadata[] {
  return Object.values(db.orm.getMetadata().getAll()).filter(
    (meta: EntityMetadata) => !meta.embeddable && !meta.virtual,
  );
}

/** The JSON columns of each table (they come back parsed, and must go back as JSON text). */
function jsonColumnsByTable(db: Database): Map<string, Set<string>> {
  return new Map(
    entityMetadata(db).map((meta) => [
      meta.tableName,
      new Set(
        Object.values(meta.properties)
          .filter((property) => /json/i.test(property.columnTypes?.[0] ?? '') || property.type === 'json')
          .flatMap((property) => property.fieldNames ?? []),
      ),
    ]),
  );
}

/** Our tables, each after the tables it references. */
function tablesInDependencyOrder(db: Database): string[] {
  const all = entityMetadata(db);
  const byClass = new Map(all.map((meta) => [meta.className, meta]));
  const ordered: string[] = [];
  const visit = (meta: EntityMetadata, seen: Set<string>) => {
    if (ordered.includes(meta.tableName) || seen.has(meta.className)) return;
    seen.add(meta.className);
    for (const property of Object.values(meta.properties)) {
      const referenced = property.kind === 'm:1' || property.kind === '1:1' ? byClass.get(property.type) : undefined;
      if (referenced && property.owner !== false) visit(referenced, seen);
    }
    ordered.push(meta.tableName);
  };
  for (const meta of all) visit(meta, new Set());
  return ordered;
}
