import { describe, expect, it } from 'vitest';
import { shortHash } from './hash.ts';

describe('shortHash', () => {
  // Hint ids derived from it are stored on targets: a new version must find the old ones.
  it('gives the same names as every earlier version', () => {
    expect(shortHash('')).toBe('811c9dc55bd1e995');
    expect(shortHash('s3://bucket/prefix')).toBe('2b323cc08c41dff4');
    expect(shortHash('é/☃𝄞')).toBe('1295836863fbc984');
  });
});
