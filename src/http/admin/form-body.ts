/**
 * Reading an admin form post. Every field is read with a length cap, so a huge or repeated field
 * cannot make a page render megabytes back, and a file upload where text is expected reads as
 * empty rather than failing.
 */
import type { Context } from 'hono';

export type FormBody = Record<string, string | File | (string | File)[]>;

/**
 * The body of a form post. Repeated fields (checkboxes) are kept as lists, of which `str` reads
 * the first; with `all: false` (forms without lists) the last of a repeated field counts.
 */
export const formBody = async (
  c: Context,
  options: { all: boolean } = { all: true },
): Promise<FormBody> => (await c.req.parseBody(options)) as FormBody;

/** The first value of a text field, at most `max` characters; '' when it is absent. */
export function str(form: FormBody, name: string, max = 100_000): string {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.slice(0, max) : '';
}

/** Every text value of a repeated field, at most 500 of them. */
export function list(form: FormBody, name: string): string[] {
  const value = form[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((v): v is string => typeof v === 'string').slice(0, 500);
}
