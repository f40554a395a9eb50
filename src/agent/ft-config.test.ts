import { describe, expect, it } from 'vitest';
import { category } from '../../test/support/kube-objects.ts';
import { categoriesOf, parseCategory, refreshSecondsOf } from './ft-config.ts';
import { failingChecks } from './ft-probe.ts';
import { projectConfigMap } from './projections.ts';

const parsed = (fields: Parameters<typeof category>[2]) =>
  parseCategory(projectConfigMap(category('default', 'content', fields)))!;

describe("FT's ConfigMaps and health JSON, read as FT reads them", () => {
  it('categories: spaces removed, Go booleans, defaults for what does not parse', () => {
    expect(
      parsed({ services: ' a, b ,c', refreshrate: '30', issticky: 'T', enabled: '0' }),
    ).toEqual({
      name: 'content',
      services: ['a', 'b', 'c'],
      refreshRate: 30,
      isSticky: true,
      enabled: false,
      failureThreshold: 3,
    });
    expect(parsed({ refreshrate: '-5', issticky: 'yes', enabled: 'nope' })).toMatchObject({
      services: [''],
      refreshRate: 60,
      isSticky: false,
      enabled: true,
    });
    expect(parseCategory({ metadata: { name: 'x' }, data: {} })).toBeUndefined();
  });

  it('which categories list a service, and how often it is probed', () => {
    const categories = [
      parsed({ services: 'a,b', refreshrate: '30' }),
      { ...parsed({ refreshrate: '120' }), name: 'default' },
    ];
    expect(categoriesOf('a', categories)).toEqual(['content', 'default']);
    expect(categoriesOf('z', categories)).toEqual(['default']);
    expect(refreshSecondsOf('a', categories)).toBe(30);
    expect(refreshSecondsOf('z', categories)).toBe(120);
    expect(refreshSecondsOf('z', [])).toBe(60);
  });

  it('health JSON: keys in any case, only failing checks kept, odd severities as 2', () => {
    const result = failingChecks({
      Checks: [
        {
          Name: 'db',
          OK: false,
          Severity: 1,
          BusinessImpact: 'x',
          TechnicalSummary: 'y',
          PanicGuide: 'z',
          LastUpdated: 't',
        },
        { name: 'cache', ok: true, severity: 1 },
        { name: 'queue', ok: false, severity: 7 },
      ],
    });
    expect(result).toEqual({
      checks: [
        {
          name: 'db',
          ok: false,
          severity: 1,
          businessImpact: 'x',
          technicalSummary: 'y',
          panicGuide: 'z',
          lastUpdated: 't',
        },
        {
          name: 'queue',
          ok: false,
          severity: 2,
          businessImpact: '',
          technicalSummary: '',
          panicGuide: '',
          lastUpdated: '',
        },
      ],
    });
    expect(failingChecks({ status: 'ok' })).toEqual({
      error: 'answer is not FT health JSON (no checks array)',
    });
  });
});
