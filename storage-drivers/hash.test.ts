import { describe, expect, it } from 'vitest';
import { addPairHashes, fnv1a, fnv1a64, hex32, shiftedHash } from './hash.ts';
import { digestRows } from './utils.ts';

describe('fnv1a', () => {
  it('matches the published 32-bit FNV-1a test vectors', () => {
    expect(hex32(fnv1a(''))).toBe('811c9dc5');
    expect(hex32(fnv1a('a'))).toBe('e40c292c');
    expect(hex32(fnv1a('foobar'))).toBe('bf9cf968');
  });

  it('takes another seed and prime for an independent hash', () => {
    expect(fnv1a('foobar', 0x5bd1e995)).not.toBe(fnv1a('foobar'));
  });
});

describe('addPairHashes', () => {
  it('adds what fnv1a and shiftedHash give for the two strings joined by U+0000', () => {
    const sums: [number, number] = [0xfffffff0, 7];
    const pairs = [
      ['', ''],
      ['a', '0194f3a2b1c0-000000-k3j9x0aa'],
      ['é/☃🚨', 'x'],
      ['\uffff\u0001', ''],
    ];
    let a = sums[0];
    let b = sums[1];
    for (const [first, second] of pairs) {
      addPairHashes(sums, first!, second!);
      a = (a + fnv1a(`${first}\u0000${second}`)) >>> 0;
      b = (b + shiftedHash(`${first}\u0000${second}`)) >>> 0;
      expect(sums).toEqual([a, b]);
    }
  });
});

describe('fnv1a64', () => {
  it('matches the published 64-bit FNV-1a test vectors', () => {
    const hex = (text: string) =>
      fnv1a64(new TextEncoder().encode(text)).toString(16).padStart(16, '0');
    expect(hex('')).toBe('cbf29ce484222325');
    expect(hex('a')).toBe('af63dc4c8601ec8c');
    expect(hex('foobar')).toBe('85944171f73967e8');
  });
});

describe('digestRows', () => {
  // Digests are compared between targets written by different versions: they must never drift.
  it('gives the same hashes as every earlier version', () => {
    const digest = digestRows([
      { kind: 'incident', id: 'a', rev: '0194f3a2b1c0-000000-k3j9x0aa' },
      { kind: 'incident', id: 'é/☃', rev: '0194f3a2b1c1-000002-w' },
      { kind: 'note', id: 'x', rev: '0194f3a2b1c0-000000-k3j9x0aa' },
    ]);
    expect(digest).toEqual({
      incident: { count: 2, maxRev: '0194f3a2b1c1-000002-w', hash: '689a2f75bd361aee' },
      note: { count: 1, maxRev: '0194f3a2b1c0-000000-k3j9x0aa', hash: '29f3b22af417e706' },
    });
  });
});
