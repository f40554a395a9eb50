/** Pages of an admin list: 25 rows a page, `?page=` clamped to the pages there are. */
import type { Context } from 'hono';

export const PAGE_SIZE = 25;

export interface PageLinks {
  number: number;
  total: number;
  previous?: string;
  next?: string;
}

/** The rows of the page asked for, and links to its neighbours keeping the rest of the query. */
export function paginate<T>(c: Context, items: readonly T[]): { slice: T[]; page: PageLinks } {
  const number = Math.max(
    1,
    Math.min(
      Number.parseInt(c.req.query('page') ?? '1', 10) || 1,
      Math.max(1, Math.ceil(items.length / PAGE_SIZE)),
    ),
  );
  const url = new URL(c.req.url);
  const at = (n: number) => {
    url.searchParams.set('page', String(n));
    return `${url.pathname}${url.search}`;
  };
  return {
    slice: items.slice((number - 1) * PAGE_SIZE, number * PAGE_SIZE),
    page: {
      number,
      total: items.length,
      ...(number > 1 ? { previous: at(number - 1) } : {}),
      ...(number * PAGE_SIZE < items.length ? { next: at(number + 1) } : {}),
    },
  };
}
