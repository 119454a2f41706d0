// Graph delta queries against the running sandbox: paging with odata.maxpagesize to the
// deltaLink, incremental rounds after changes made as the user, @removed entries, the same item
// twice in one round, $select carried in the links, and 410 syncStateNotFound.

import type { Item } from '@exsync/sandbox/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphReply, type GraphSandbox, startGraphSandbox } from '../support/graph-sandbox.ts';
import { assertGraphCollection } from '../support/graph-schema.ts';

const ADA = 'ada@example.test';

describe('Graph delta', () => {
  let g: GraphSandbox;
  let token: string;
  let folderId: string;
  const ids: string[] = [];

  async function roundToEnd(first: string, headers: Record<string, string> = {}) {
    const pages: GraphReply[] = [];
    let url: string | undefined = first;
    let deltaLink: string | undefined;
    while (url) {
      const page = await g.graph('GET', url, { token, headers });
      expect(page.status, page.text).toBe(200);
      assertGraphCollection('contact', page.json);
      pages.push(page);
      url = page.json['@odata.nextLink'];
      deltaLink = page.json['@odata.deltaLink'];
    }
    const entries = pages.flatMap((p) => p.json.value as Array<Record<string, unknown>>);
    return { pages, entries, deltaLink: deltaLink! };
  }

  beforeAll(async () => {
    g = await startGraphSandbox();
    token = g.userToken(ADA);
    const folder = await g.graph('POST', '/me/contactFolders', {
      token,
      body: { displayName: 'Delta test' },
    });
    expect(folder.status).toBe(201);
    folderId = folder.json.id;
    for (let i = 0; i < 7; i++) {
      const created = await g.graph('POST', `/me/contactFolders/${folderId}/contacts`, {
        token,
        body: {
          givenName: `Person${i}`,
          surname: 'Delta',
          emailAddresses: [{ address: `p${i}@delta.test`, name: `P ${i}` }],
        },
      });
      expect(created.status, created.text).toBe(201);
      ids.push(created.json.id);
    }
  });
  afterAll(() => g.close());

  it('pages to the deltaLink, then returns exactly what changed, with @removed reasons', async () => {
    const first = await roundToEnd(
      `/me/contactFolders/${folderId}/contacts/delta?$select=displayName,emailAddresses`,
      {
        Prefer: 'odata.maxpagesize=3',
      },
    );
    expect(first.pages).toHaveLength(3);
    expect(first.pages[0].headers.get('preference-applied')).toContain('odata.maxpagesize=3');
    expect(first.pages[0].json['@odata.nextLink']).toContain('$select=displayName,emailAddresses');
    expect(first.deltaLink).toContain('$deltatoken=');
    expect(first.deltaLink).toContain('$select=displayName,emailAddresses');
    expect(first.entries.map((e) => e.id).sort()).toEqual([...ids].sort());
    for (const e of first.entries) {
      expect(
        Object.keys(e)
          .filter((k) => !k.startsWith('@'))
          .sort(),
      ).toEqual(['displayName', 'emailAddresses', 'id']);
    }

    // Changes made as the mailbox's user (admin API and store, actor 'user').
    const { sandbox } = g;
    await sandbox.admin.updateItem<'contact'>(ADA, ids[0], {
      jobTitle: 'Engineer',
      displayName: 'Person0 Renamed',
    });
    await sandbox.admin.deleteItem(ADA, ids[1], 'hard');
    sandbox.store.deleteItem(sandbox.store.mailbox(ADA)!.id, ids[2], 'moveToDeletedItems', 'user');
    const added = sandbox.store.createItem(
      sandbox.store.mailbox(ADA)!.id,
      folderId,
      'contact',
      {
        givenName: 'New',
        displayName: 'New Person',
        emailAddresses: [],
        phones: {},
        addresses: {},
        categories: [],
      },
      'user',
    );

    const second = await roundToEnd(first.deltaLink);
    const byId = new Map(second.entries.map((e) => [e.id, e]));
    expect(byId.size).toBe(4);
    expect(byId.get(ids[0])).toMatchObject({ displayName: 'Person0 Renamed' });
    expect(byId.get(ids[1])).toEqual({ id: ids[1], '@removed': { reason: 'deleted' } });
    expect(byId.get(ids[2])).toEqual({ id: ids[2], '@removed': { reason: 'changed' } });
    expect(byId.get(added.id)).toMatchObject({ displayName: 'New Person' });
    expect(second.deltaLink).toContain('$select=displayName,emailAddresses');

    const third = await roundToEnd(second.deltaLink);
    expect(third.entries).toEqual([]);
  });

  it('sends an item again when it changes between two pages of one round', async () => {
    const mailboxId = g.sandbox.store.mailbox(ADA)!.id;
    const firstPage = await g.graph('GET', `/me/contactFolders/${folderId}/contacts/delta`, {
      token,
      headers: { Prefer: 'odata.maxpagesize=2' },
    });
    const seenFirst = firstPage.json.value.map((e: { id: string }) => e.id);
    g.sandbox.store.updateItem<'contact'>(mailboxId, seenFirst[0], { jobTitle: 'Changed mid-round' }, 'user');
    const rest = await roundToEnd(firstPage.json['@odata.nextLink'], { Prefer: 'odata.maxpagesize=2' });
    const all = [...firstPage.json.value, ...rest.entries].map((e: { id: string }) => e.id);
    expect(all.filter((id) => id === seenFirst[0])).toHaveLength(2);
    const last = rest.entries.find((e) => e.id === seenFirst[0]);
    expect(last).toMatchObject({ jobTitle: 'Changed mid-round' });
  });

  it('answers 410 syncStateNotFound for an expired state in the middle of paging', async () => {
    const firstPage = await g.graph('GET', `/me/contactFolders/${folderId}/contacts/delta`, {
      token,
      headers: { Prefer: 'odata.maxpagesize=2' },
    });
    await g.sandbox.admin.expireSyncStates(ADA);
    const gone = await g.graph('GET', firstPage.json['@odata.nextLink'], { token });
    expect(gone.status).toBe(410);
    expect(gone.json.error.code.toLowerCase()).toBe('syncstatenotfound');
    expect(gone.json.error.innerError['request-id']).toBe(gone.headers.get('request-id'));
    expect(typeof gone.json.error.innerError.date).toBe('string');
  });

  it('answers 410 for a made-up token, a token of another folder, and an expireSyncState fault', async () => {
    const made = await g.graph(
      'GET',
      `/me/contactFolders/${folderId}/contacts/delta?$deltatoken=bm90LWEtdG9rZW4`,
      { token },
    );
    expect(made.status).toBe(410);
    const other = await roundToEnd('/me/contacts/delta', { Prefer: 'odata.maxpagesize=200' });
    const foreign = new URL(other.deltaLink).searchParams.get('$deltatoken')!;
    const wrongFolder = await g.graph(
      'GET',
      `/me/contactFolders/${folderId}/contacts/delta?$deltatoken=${foreign}`,
      { token },
    );
    expect(wrongFolder.status).toBe(410);
    expect(wrongFolder.json.error.code).toBe('syncStateNotFound');

    const rule = await g.sandbox.admin.addFault({
      protocol: 'graph',
      operation: 'contacts.delta',
      fault: { kind: 'expireSyncState' },
      times: 1,
    });
    const faulted = await g.graph('GET', other.deltaLink, { token });
    expect(faulted.status).toBe(410);
    const fine = await g.graph('GET', other.deltaLink, { token });
    expect(fine.status).toBe(200);
    await g.sandbox.admin.removeFault(rule.id);
  });

  it('follows a series in calendarView/delta: occurrences first, then changes and removed occurrences', async () => {
    const start = '2026-03-01T00:00:00Z';
    const end = '2026-04-01T00:00:00Z';
    const created = await g.graph('POST', '/me/events', {
      token,
      body: {
        subject: 'Weekly sync',
        start: { dateTime: '2026-03-02T09:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2026-03-02T09:30:00', timeZone: 'W. Europe Standard Time' },
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
          range: { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: 4 },
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    const seriesId = created.json.id;
    const missing = await g.graph('GET', '/me/calendarView/delta', { token });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe('ErrorInvalidParameter');

    let url: string | undefined = `/me/calendarView/delta?startDateTime=${start}&endDateTime=${end}`;
    const entries: Array<Record<string, unknown>> = [];
    let deltaLink = '';
    while (url) {
      const page = await g.graph('GET', url, { token, headers: { Prefer: 'odata.maxpagesize=2' } });
      expect(page.status, page.text).toBe(200);
      assertGraphCollection('event', page.json);
      entries.push(...page.json.value);
      url = page.json['@odata.nextLink'];
      deltaLink = page.json['@odata.deltaLink'] ?? deltaLink;
    }
    const occurrences = entries.filter((e) => e.seriesMasterId === seriesId);
    expect(occurrences.map((e) => (e.start as { dateTime: string }).dateTime)).toEqual([
      '2026-03-02T08:00:00.0000000',
      '2026-03-09T08:00:00.0000000',
      '2026-03-16T08:00:00.0000000',
      '2026-03-23T08:00:00.0000000',
    ]);
    // Cancel one occurrence through Graph; the next round reports it removed.
    const cancelled = occurrences[1].id as string;
    expect((await g.graph('DELETE', `/me/events/${cancelled}`, { token })).status).toBe(204);
    const next = await g.graph('GET', deltaLink, { token });
    expect(next.status).toBe(200);
    expect(next.json.value).toContainEqual({ id: cancelled, '@removed': { reason: 'deleted' } });
    expect(next.json.value.filter((e: Item) => !('@removed' in e))).toHaveLength(3);
  });
});
