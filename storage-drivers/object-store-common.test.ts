import { describe, expect, it } from 'vitest';
import { rev } from './_contract.ts';
import {
  changesPage,
  decodeRecordText,
  groupPuts,
  listPage,
  newestOfGroup,
  recordText,
} from './object-store-common.ts';
import type { StoredRecord } from './types.ts';

const record = (
  kind: string,
  id: string,
  revision: string,
  extra: Partial<StoredRecord> = {},
): StoredRecord => ({ kind, id, rev: revision, deleted: false, body: { title: id }, ...extra });
const readAll = (item: StoredRecord | null) => Promise.resolve(item);
const anywhere = () => true;

describe('decodeRecordText', () => {
  it('gives the record with only the contract fields', () => {
    const text = JSON.stringify({ ...record('incident', 'a', rev(1)), extra: 1 });
    expect(decodeRecordText(text, anywhere, 'elsewhere')).toEqual({
      record: record('incident', 'a', rev(1)),
    });
  });

  it('names what is wrong: not JSON, not a record, another record', () => {
    expect(decodeRecordText('{', anywhere, 'elsewhere').problem).toMatch(/^not JSON: /);
    expect(decodeRecordText('{"kind":"incident"}', anywhere, 'elsewhere').problem).toMatch(
      /id must be/,
    );
    const text = recordText(record('incident', 'b', rev(1)));
    expect(decodeRecordText(text, (r) => r.id === 'a', 'in another file').problem).toBe(
      'holds incident/"b", which belongs in another file',
    );
  });
});

describe('stored texts a backend could not hold the same', () => {
  it('refuses NUL and lone surrogates read back however the text spells them, and keeps surrogate pairs', () => {
    const texts: Array<[string, RegExp | null]> = [
      ['{"title":"a\\u0000b"}', /body\.title contains U\+0000/],
      ['{"title":"a\u0000b"}', /^not JSON/], // a raw control character
      ['{"notes":["ok",{"text":"x\\ud800y"}]}', /body\.notes\[1\]\.text contains a lone surrogate/],
      ['{"text":"x\ud800y"}', /body\.text contains a lone surrogate/],
      ['{"k\\u0000":1}', /a key in body contains U\+0000/],
      ['{"emoji":"\\ud83d\\ude00 and \ud83d\ude00"}', null],
      ['{"path":"C:\\\\users\\\\u0000x"}', null], // a backslash, then the letters u0000
    ];
    for (const [body, problem] of texts) {
      const text = `{"kind":"incident","id":"a","rev":"${rev(1)}","deleted":false,"body":${body}}`;
      const decoded = decodeRecordText(text, anywhere, 'elsewhere');
      if (problem) expect(decoded.problem, body).toMatch(problem);
      else expect(decoded.record?.body, body).toEqual(JSON.parse(body));
    }
  });
});

describe('put grouping', () => {
  it('groups the copies of one record in batch order and applies each over the one before', () => {
    const batch = [
      record('incident', 'a', rev(2)),
      record('incident', 'b', rev(1)),
      record('incident', 'a', rev(1)),
      record('incident', 'a', rev(3)),
    ];
    const groups = groupPuts(batch);
    expect(groups.map((g) => [g.id, g.indexes])).toEqual([
      ['a', [0, 2, 3]],
      ['b', [1]],
    ]);
    const applied = batch.map(() => false);
    expect(newestOfGroup(batch, groups[0]!, '', applied)).toBe(batch[3]);
    expect(applied).toEqual([true, false, false, true]);
    expect(newestOfGroup(batch, groups[1]!, rev(1), applied)).toBeUndefined();
  });
});

describe('listPage', () => {
  const records = [
    record('incident', 'a', rev(1)),
    record('incident', 'b', rev(2), { deleted: true, body: null }),
    record('incident', 'c', rev(3)),
  ];

  it('leaves tombstones out unless asked, and gives a cursor when something is left', async () => {
    expect(
      await listPage(records, readAll, { limit: 1, includeDeleted: false, readAhead: () => 1 }),
    ).toEqual({ items: [records[0]], cursor: 'a' });
    expect(
      await listPage(records, readAll, { limit: 2, includeDeleted: false, readAhead: () => 2 }),
    ).toEqual({ items: [records[0], records[2]] });
    expect(
      (await listPage(records, readAll, { limit: 2, includeDeleted: true, readAhead: () => 32 }))
        .cursor,
    ).toBe('b');
  });
});

describe('changesPage', () => {
  it('never ends a page inside a run of equal revs', async () => {
    const entries = [
      record('a', '1', rev(1)),
      record('a', '2', rev(2)),
      record('b', '2', rev(2)),
      record('a', '3', rev(3)),
    ];
    const page = await changesPage(entries, readAll, { limit: 2, readAhead: (wanted) => wanted });
    expect(page).toEqual({ items: entries.slice(0, 3), cursor: rev(2) });
  });

  it('skips entries whose record has moved to another rev', async () => {
    const entries = [{ rev: rev(1) }, { rev: rev(2) }];
    const page = await changesPage(
      entries,
      async (entry) => (entry.rev === rev(1) ? record('a', 'x', rev(2)) : record('a', 'y', rev(2))),
      { limit: 5, readAhead: () => 5 },
    );
    expect(page).toEqual({ items: [record('a', 'y', rev(2))] });
  });
});
