import { describe, expect, it } from 'vitest';
import { componentObjectId, pageId, stableHash } from './ids.ts';

describe('Statuspage object ids', () => {
  // Widgets and exporters keep these ids: a new version must give the same ones.
  it('are the same as every earlier version gave', () => {
    expect(stableHash('')).toBe('3niihzj4ux45');
    expect(pageId('https://status.example.com')).toBe('jgnqw20k9bm2');
    expect(componentObjectId('core - é☃')).toBe('rapacttf0izd');
  });
});
