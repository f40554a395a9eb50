import { describe, expect, it } from 'vitest';
import { etagMatches } from './etag.ts';

describe('etagMatches (If-None-Match)', () => {
  it('matches the same tag, strong or weak on either side', () => {
    expect(etagMatches('"abc"', '"abc"')).toBe(true);
    expect(etagMatches('W/"abc"', '"abc"')).toBe(true);
    expect(etagMatches('"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('W/"abc"', 'W/"abc"')).toBe(true);
  });

  it('matches any tag of a list, and * matches every tag', () => {
    expect(etagMatches('"old", W/"abc" ,"other"', 'W/"abc"')).toBe(true);
    expect(etagMatches('*', '"abc"')).toBe(true);
  });

  it('does not match another tag, a missing header or a tag without its quotes', () => {
    expect(etagMatches('"abd"', '"abc"')).toBe(false);
    expect(etagMatches('"abc-gz"', '"abc"')).toBe(false);
    expect(etagMatches(undefined, '"abc"')).toBe(false);
    expect(etagMatches('', '"abc"')).toBe(false);
    expect(etagMatches('abc', '"abc"')).toBe(false);
  });
});
