import type { EntityManager, EntityName, FilterQuery, FindOptions } from '@mikro-orm/core';
import { ValidationError, type ValidationIssue } from './errors.js';

export interface PageRequest {
  readonly page?: number | null | undefined;
  readonly size?: number | null | undefined;
}

/** A page of a list, in the shape Fides (fastapi-pagination) answers: `{items, total, page, size, pages}`. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly page: number;
  readonly size: number;
  readonly pages: number;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** Checks `page` (≥ 1, default 1) and `size` (1–100, default 50); a bad value is a 422 naming the query parameter. */
function checkPage(request: PageRequest): { page: number; size: number; offset: number } {
  const page = request.page ?? 1;
  const size = request.size ?? DEFAULT_PAGE_SIZE;
  const issues: ValidationIssue[] = [];
  if (!Number.isInteger(page) || page < 1) {
    issues.push({ loc: ['page'], msg: 'Input should be greater than or equal to 1', type: 'greater_than_equal' });
  }
  if (!Number.isInteger(size) || size < 1) {
    issues.push({ loc: ['size'], msg: 'Input should be greater than or equal to 1', type: 'greater_than_equal' });
  } else if (size > MAX_PAGE_SIZE) {
    issues.push({
      loc: ['size'],
      msg: `Input should be less than or equal to ${MAX_PAGE_SIZE}`,
      type: 'less_than_equal',
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { page, size, offset: (page - 1) * size };
}

function toPage<T>(items: readonly T[], total: number, page: number, size: number): Page<T> {
  return { items, total, page, size, pages: Math.ceil(total / size) };
}

/** What a paged list reads of its rows' entity: the filter, the order, and how the rows become views. */
export interface PageQuery<Row extends object, View> {
  /** Worked out after the page is checked; it may look something up and refuse with its own error. */
  readonly where: () => FilterQuery<Row> | Promise<FilterQuery<Row>>;
  readonly orderBy: FindOptions<Row>['orderBy'];
  readonly views: (rows: Row[]) => readonly View[] | Promise<readonly View[]>;
}

/**
 * One page of `entity`'s rows: checks `page` and `size` first (their 422 comes before anything else the list may
 * refuse), then works out the filter (which may look something up and refuse with its own error), counts and
 * fetches the rows in `orderBy` order, and makes them views.
 */
export async function findPage<Row extends object, View>(
  em: EntityManager,
  request: PageRequest,
  entity: EntityName<Row>,
  query: PageQuery<Row, View>,
): Promise<Page<View>> {
  const { page, size, offset } = checkPage(request);
  const where = await query.where();
  const [rows, total] = await em.findAndCount(entity, where, { orderBy: query.orderBy, limit: size, offset });
  return toPage(await query.views(rows), total, page, size);
}
