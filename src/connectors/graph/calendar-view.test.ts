// The calendar view's reading of series against a scripted Graph: each series fetched once, in
// whole $batches as pages name them, pages whose series wait marked partial; the fall-backs for
// an answer without the expansion, an expansion in pages, and a $batch too large to read.
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors.ts';
import type { ChangePage, NeutralEvent } from '../types.ts';
import { confirmUnlisted, readCalendarView, readEvents, SERIES_QUERY } from './calendar-view.ts';
import type { BatchOutcome, GraphAnswer, GraphClient, GraphRequest } from './client.ts';
import type { Json } from './mapping/json.ts';

const WINDOW = { start: '2031-01-01T00:00:00.000Z', end: '2032-07-01T00:00:00.000Z' };
const FOLDER = { kind: 'calendar' as const, id: 'cal' };

const answer = (json: Json): GraphAnswer => ({ status: 200, json, header: () => undefined });

/** A Graph that answers each request (and $batch member) with `reply`, recording them all. */
function scripted(
  reply: (r: GraphRequest) => Json | ConnectorError,
  failBatch?: (rs: GraphRequest[]) => boolean,
) {
  const requests: GraphRequest[] = [];
  const batches: GraphRequest[][] = [];
  const client = {
    url: (path: string) => path,
    async request(r: GraphRequest): Promise<GraphAnswer> {
      requests.push(r);
      const out = reply(r);
      if (out instanceof ConnectorError) throw out;
      return answer(out);
    },
    async batch(rs: GraphRequest[]): Promise<BatchOutcome[]> {
      expect(rs.length).toBeLessThanOrEqual(20);
      batches.push(rs);
      if (failBatch?.(rs))
        throw new ConnectorError('invalid_response', 'too large', { network: 'too_large' });
      return rs.map((r) => {
        const out = reply(r);
        return out instanceof ConnectorError ? { ok: false, error: out } : { ok: true, answer: answer(out) };
      });
    },
  };
  return { client: client as unknown as GraphClient, requests, batches };
}

const occurrence = (series: string, day: number): Json => ({
  id: `${series}.occ${day}`,
  type: 'occurrence',
  seriesMasterId: series,
  subject: series,
  start: { dateTime: `2031-02-${String(day).padStart(2, '0')}T09:00:00.0000000`, timeZone: 'UTC' },
  end: { dateTime: `2031-02-${String(day).padStart(2, '0')}T10:00:00.0000000`, timeZone: 'UTC' },
});

const single = (id: string): Json => ({
  id,
  type: 'singleInstance',
  subject: id,
  changeKey: `ck-${id}`,
  start: { dateTime: '2031-03-01T09:00:00.0000000', timeZone: 'UTC' },
  end: { dateTime: '2031-03-01T10:00:00.0000000', timeZone: 'UTC' },
});

const exception = (series: string, day: number): Json => ({
  id: `${series}.exc${day}`,
  type: 'exception',
  seriesMasterId: series,
  subject: `${series} (moved)`,
  originalStart: `2031-02-${String(day).padStart(2, '0')}T09:00:00Z`,
  start: { dateTime: `2031-02-${String(day).padStart(2, '0')}T15:00:00.0000000`, timeZone: 'UTC' },
  end: { dateTime: `2031-02-${String(day).padStart(2, '0')}T16:00:00.0000000`, timeZone: 'UTC' },
});

/** A series master as Graph answers the GET by id, with `extra` (the expansion) added. */
const master = (id: string, extra: Json = { exceptionOccurrences: [exception(id, 3)] }): Json => ({
  id,
  type: 'seriesMaster',
  subject: id,
  changeKey: `ck-${id}`,
  start: { dateTime: '2031-02-01T09:00:00.0000000', timeZone: 'UTC' },
  end: { dateTime: '2031-02-01T10:00:00.0000000', timeZone: 'UTC' },
  recurrence: {
    pattern: { type: 'daily', interval: 1 },
    range: { type: 'numbered', startDate: '2031-02-01', numberOfOccurrences: 10 },
  },
  cancelledOccurrences: [`OID.${id}.2031-02-05`],
  ...extra,
});

const seriesOf = (path: string) => /\/events\/([^/?]+)\?/.exec(path)?.[1];

async function drain(pages: AsyncIterable<ChangePage<NeutralEvent>>): Promise<ChangePage<NeutralEvent>[]> {
  const out: ChangePage<NeutralEvent>[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('Graph calendar view: series', () => {
  it('fetches each series once, in whole $batches as the pages name them, and marks the pages whose series wait', async () => {
    const names = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `S${from + i}`);
    // Page 1 names 15 series, page 2 ten more (and page 1's again), page 3 three more.
    const view: Json[] = [
      {
        value: [...names(0, 15).map((s) => occurrence(s, 1)), single('one')],
        '@odata.nextLink': 'https://graph.test/v1.0/next/2',
      },
      {
        value: [...names(0, 25).map((s) => occurrence(s, 2)), single('two')],
        '@odata.nextLink': 'https://graph.test/v1.0/next/3',
      },
      {
        value: names(25, 28).map((s) => occurrence(s, 3)),
        '@odata.deltaLink': 'https://graph.test/v1.0/delta',
      },
    ];
    let pageNo = 0;
    const g = scripted((r) =>
      r.path.includes('calendarView/delta') || r.path.includes('/next/')
        ? view[pageNo++]
        : master(seriesOf(r.path)!),
    );
    const pages = await drain(
      readCalendarView({ client: g.client, base: '/me' }, FOLDER, undefined, {
        pageSize: 1000,
        window: WINDOW,
      }),
    );

    expect(g.batches.map((b) => b.length)).toEqual([20, 8]);
    for (const member of g.batches.flat()) {
      expect(member.path).toContain('$expand=exceptionOccurrences');
      expect(member.path).toMatch(/\$select=[^&]*cancelledOccurrences[^&]*exceptionOccurrences/);
    }
    // Page 1: its single, no series yet (15 wait); page 2: 20 series, 5 wait; page 3: the rest.
    expect(pages.map((p) => [p.upserts.length, p.partial ?? false, p.done])).toEqual([
      [1, true, false],
      [21, true, false],
      [8, false, true],
    ]);
    const series = pages.flatMap((p) => p.upserts).filter((u) => u.item.type === 'seriesMaster');
    expect(series.map((u) => u.id).sort()).toEqual(names(0, 28).sort());
    expect(series[0].item).toMatchObject({
      modifiedOccurrences: [{ originalStart: '2031-02-03T09:00:00Z', subject: `${series[0].id} (moved)` }],
      deletedOccurrences: ['2031-02-05T09:00:00Z'],
    });
    expect(g.requests.map((r) => r.prefer)).toEqual([
      ['odata.maxpagesize=1000'],
      ['odata.maxpagesize=1000'],
      ['odata.maxpagesize=1000'],
    ]);
  });

  it("reads a series' exceptions from its instances when the answer lacks the expansion, and follows an expansion's nextLink", async () => {
    const g = scripted((r) => {
      if (r.path.includes('/instances?'))
        return {
          value: [occurrence('bare', 1), exception('bare', 4)],
          '@odata.nextLink': '/me/instances/more',
        };
      if (r.path === '/me/instances/more') return { value: [exception('bare', 6)] };
      if (r.path === '/me/paged/more') return { value: [exception('paged', 8)] };
      const id = seriesOf(r.path)!;
      if (id === 'bare') return master('bare', {});
      if (id === 'paged')
        return master('paged', {
          exceptionOccurrences: [exception('paged', 2)],
          'exceptionOccurrences@odata.nextLink': '/me/paged/more',
        });
      if (id === 'gone') return new ConnectorError('not_found', 'gone', { status: 404 });
      return single(id);
    });
    const found = await confirmUnlisted(
      { client: g.client, base: '/me' },
      FOLDER,
      ['bare', 'paged', 'gone'],
      WINDOW,
    );
    // The recheck finds 'bare' and 'paged' as masters (the second read has the expansion) and
    // 'gone' deleted; 'bare' has no expansion: its instances in the window, both pages.
    expect(found.deletes).toEqual(['gone']);
    const byId = Object.fromEntries(
      found.upserts.map((u) => [u.id, u.item.modifiedOccurrences?.map((o) => o.originalStart)]),
    );
    expect(byId).toEqual({
      bare: ['2031-02-04T09:00:00Z', '2031-02-06T09:00:00Z'],
      paged: ['2031-02-02T09:00:00Z', '2031-02-08T09:00:00Z'],
    });
    const instanceReads = [...g.requests, ...g.batches.flat()].filter((r) => r.path.includes('/instances?'));
    expect(instanceReads).toHaveLength(1);
    expect(instanceReads[0].path).toContain('bare');
  });

  it("reads events by id, each one $batch member with its series' exceptions; a failure stays its own; an unexpanded master falls back over the span asked", async () => {
    const g = scripted((r) => {
      if (r.path.includes('/instances?')) return { value: [occurrence('bare', 1), exception('bare', 9)] };
      const id = seriesOf(r.path)!;
      if (id === 'bare') return master('bare', {});
      if (id === 'gone') return new ConnectorError('not_found', 'gone', { status: 404 });
      if (id === 'one') return single('one');
      return master(id, { exceptionOccurrences: [exception(id, 3), exception(id, 28)] });
    });
    const span = { start: '2031-02-01T00:00:00.000Z', end: '2032-03-07T00:00:00.000Z' };
    const asked: Json[] = [];
    const reads = await readEvents(
      { client: g.client, base: '/me' },
      ['S', 'one', 'gone', 'bare'],
      (id) => `/me/events/${id}${SERIES_QUERY}`,
      (json) => {
        asked.push(json);
        return span;
      },
    );
    expect(g.batches.map((b) => b.map((r) => seriesOf(r.path)))).toEqual([
      ['S', 'one', 'gone', 'bare'],
      [undefined],
    ]);
    expect(
      reads.map((r) => (r.ok ? r.item.modifiedOccurrences?.map((o) => o.originalStart) : r.error.code)),
    ).toEqual([
      ['2031-02-03T09:00:00Z', '2031-02-28T09:00:00Z'],
      undefined,
      'not_found',
      ['2031-02-09T09:00:00Z'],
    ]);
    expect(reads[0]).toMatchObject({
      ok: true,
      id: 'S',
      version: 'W/"ck-S"',
      item: { deletedOccurrences: ['2031-02-05T09:00:00Z'] },
    });
    expect(asked.map((j) => j.id)).toEqual(['bare']);
    const instances = new URL(g.batches[1][0].path, 'https://graph.test');
    expect(instances.pathname).toBe('/me/events/bare/instances');
    expect([instances.searchParams.get('startDateTime'), instances.searchParams.get('endDateTime')]).toEqual([
      span.start,
      span.end,
    ]);
  });

  it('takes an occurrence the connector deleted itself as deleted without reading it, once; other removed entries are read', async () => {
    const removed = (id: string): Json => ({ id, '@removed': { reason: 'deleted' } });
    const rounds: Json[] = [
      {
        value: [removed('S.occ5'), removed('moved'), removed('gone'), single('one')],
        '@odata.deltaLink': 'https://graph.test/v1.0/delta/1',
      },
      { value: [removed('S.occ5')], '@odata.deltaLink': 'https://graph.test/v1.0/delta/2' },
    ];
    let round = 0;
    const g = scripted((r) => {
      if (r.path.includes('calendarView/delta') || r.path.includes('/delta/')) return rounds[round++];
      const id = seriesOf(r.path)!;
      if (id === 'moved') return single('moved');
      return new ConnectorError('not_found', 'gone', { status: 404 });
    });
    const deletedOccurrences = new Set(['S.occ5', 'S.occ6']);
    const ctx = { client: g.client, base: '/me', deletedOccurrences };
    const first = await drain(readCalendarView(ctx, FOLDER, undefined, { pageSize: 1000, window: WINDOW }));
    expect(g.batches.map((b) => b.map((r) => seriesOf(r.path)))).toEqual([['moved', 'gone']]);
    expect(first[0].deletes.sort()).toEqual(['S.occ5', 'gone']);
    expect(first[0].upserts.map((u) => u.id).sort()).toEqual(['moved', 'one']);
    expect([...deletedOccurrences]).toEqual(['S.occ6']);
    // Listed as removed again, it is read like any other.
    const second = await drain(
      readCalendarView(ctx, FOLDER, first[0].cursor, { pageSize: 1000, window: WINDOW }),
    );
    expect(g.batches.map((b) => b.map((r) => seriesOf(r.path)))).toEqual([['moved', 'gone'], ['S.occ5']]);
    expect(second[0].deletes).toEqual(['S.occ5']);
  });

  it('sends a $batch of series whose answer is too large to read again as halves, down to one member', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `S${i}`);
    const g = scripted(
      (r) => (r.path.includes('$expand') ? master(seriesOf(r.path)!) : master(seriesOf(r.path)!, {})),
      (rs) => rs.length > 3 && rs.some((r) => r.path.includes('$expand')),
    );
    const found = await confirmUnlisted({ client: g.client, base: '/me' }, FOLDER, ids, WINDOW);
    expect(found.upserts.map((u) => u.id)).toEqual(ids);
    expect(g.batches.map((b) => b.length)).toEqual([12, 12, 6, 3, 3, 6, 3, 3]);

    const alone = scripted(
      (r) => master(seriesOf(r.path)!),
      (rs) => rs.some((r) => r.path.includes('/S1?') && r.path.includes('$expand')),
    );
    await expect(
      confirmUnlisted({ client: alone.client, base: '/me' }, FOLDER, ['S0', 'S1'], WINDOW),
    ).rejects.toMatchObject({
      network: 'too_large',
    });
  });
});
