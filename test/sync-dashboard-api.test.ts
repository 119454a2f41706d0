// The dashboard's views across mailboxes through the REST API against the sandbox (SPEC E2, E5,
// E7): activity per bucket, counts per mailbox and entity, the latest runs of each entity of a
// mailbox (contacts, meetings, tasks; one that failed beside those that succeeded), conflicts
// with both versions and the policy, runs held by the mass-delete guard with where the deletes
// would happen — each only over the mailboxes the caller may see (a user their own,
// administrators all).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from './http-harness.ts';
import { createMailboxWorld, type MailboxWorld } from './mailboxes-support.ts';
import { addMailServices, connectMailbox, runNow } from './support/sync-api.ts';

let w: MailboxWorld;

beforeAll(async () => {
  w = await createMailboxWorld();
  await addMailServices(w, w.exchangeService());
});

afterAll(async () => {
  await w?.close();
});

const get = async (who: TestUser, url: string) => {
  const answer = await w.call(who, { method: 'GET', url });
  return { status: answer.statusCode, body: answer.json() };
};

describe('the sync dashboard across mailboxes', () => {
  let alices: { id: string; address: string };
  let bobs: { id: string; address: string };
  const items: string[] = [];

  it('sums runs per bucket over the caller’s own mailboxes, administrators over all', async () => {
    alices = await connectMailbox(w, w.h.alice);
    bobs = await connectMailbox(w, w.h.bob);
    for (let i = 0; i < 8; i++) {
      const item = await w.sandbox.admin.createItem(alices.address, 'contacts', 'contact', {
        givenName: 'Dash',
        surname: `Board${i}`,
        displayName: `Dash Board${i}`,
        emailAddresses: [{ address: `dash${i}@board.test` }],
      });
      items.push(item.id);
    }
    await w.sandbox.admin.createItem(bobs.address, 'contacts', 'contact', {
      givenName: 'Bob',
      surname: 'Only',
      displayName: 'Bob Only',
      emailAddresses: [],
    });
    const first = await runNow(w, w.h.alice, alices.id);
    expect(first.status).toBe('succeeded');
    await runNow(w, w.h.bob, bobs.id);

    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&bucket=hour`;
    const own = await get(w.h.alice, `/api/v1/sync/activity?${query}`);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body).toMatchObject({ bucket: 'hour', entity: 'contacts', mailboxes: 1 });
    expect(own.body.points).toHaveLength(4);
    expect(own.body.points[0].start).toBe(from);
    const sum = (body: { points: Array<{ runs: number; import: { created: number } }> }) =>
      body.points.reduce((s, p) => ({ runs: s.runs + p.runs, created: s.created + p.import.created }), {
        runs: 0,
        created: 0,
      });
    expect(sum(own.body)).toEqual({ runs: 1, created: 8 });

    const all = await get(w.h.admin, `/api/v1/sync/activity?${query}`);
    expect(all.body.mailboxes).toBe(2);
    expect(sum(all.body)).toEqual({ runs: 2, created: 9 });
    const one = await get(w.h.admin, `/api/v1/sync/activity?${query}&mailboxId=${bobs.id}`);
    expect(sum(one.body)).toEqual({ runs: 1, created: 1 });

    // Someone else's mailbox does not exist for Bob; a range too fine for a chart is refused.
    expect((await get(w.h.bob, `/api/v1/sync/activity?mailboxId=${alices.id}`)).status).toBe(404);
    const tooMany = await get(w.h.alice, '/api/v1/sync/activity?bucket=hour&from=2020-01-01T00:00:00Z');
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.message).toMatch(/bucket=day/);
    const backwards = await get(
      w.h.alice,
      `/api/v1/sync/activity?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`,
    );
    expect(backwards.status).toBe(422);
    // Default: the last 14 days by day.
    const recent = await get(w.h.alice, '/api/v1/sync/activity');
    expect(recent.body.bucket).toBe('day');
    expect(recent.body.points).toHaveLength(14);
    expect(recent.body.points.at(-1).runs).toBe(1);
  });

  it('lists conflicts with both versions and the policy, only of visible mailboxes', async () => {
    const recordId = (
      await w.h.store.db
        .selectFrom('sync_links')
        .select('record_id')
        .where('mailbox_id', '=', alices.id)
        .where('item_id', '=', items[0])
        .executeTakeFirstOrThrow()
    ).record_id;
    const patched = await w.call(w.h.alice, {
      method: 'PATCH',
      url: `/api/v1/contacts/${recordId}`,
      payload: { jobTitle: 'CRM title' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    await w.sandbox.admin.updateItem<'contact'>(alices.address, items[0], { jobTitle: 'Outlook title' });
    expect((await runNow(w, w.h.alice, alices.id)).conflicts).toBe(1);

    const mine = await get(w.h.alice, '/api/v1/sync/conflicts');
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({
      mailboxId: alices.id,
      address: alices.address,
      recordId,
      fields: ['jobTitle'],
      crm: expect.objectContaining({ jobTitle: 'CRM title' }),
      exchange: expect.objectContaining({ jobTitle: 'Outlook title' }),
      resolution: 'merged',
      policy: 'crm_wins',
    });
    expect((await get(w.h.bob, '/api/v1/sync/conflicts')).body.items).toEqual([]);
    expect((await get(w.h.admin, '/api/v1/sync/conflicts')).body.items).toHaveLength(1);
    expect((await get(w.h.admin, `/api/v1/sync/conflicts?mailboxId=${bobs.id}`)).body.items).toEqual([]);
    expect((await get(w.h.bob, `/api/v1/sync/conflicts?mailboxId=${alices.id}`)).status).toBe(404);

    const activity = await get(w.h.alice, '/api/v1/sync/activity');
    expect(activity.body.points.at(-1)).toMatchObject({ runs: 2, conflicts: 1 });
  });

  it('counts per mailbox and entity: linked items, the latest run and open conflicts', async () => {
    // Alice's meetings come in; her tasks' run fails: Exchange keeps failing to list changes.
    const soon = new Date(Date.now() + 3 * 86_400_000);
    soon.setUTCHours(9, 0, 0, 0);
    await w.sandbox.admin.createItem(alices.address, 'calendar', 'event', {
      subject: 'Dashboard review',
      start: soon.toISOString(),
      end: new Date(soon.getTime() + 3_600_000).toISOString(),
      organizer: { address: alices.address },
    });
    await w.sandbox.admin.createItem(alices.address, 'tasks', 'task', { subject: 'Dashboard follow-up' });
    const meetingsRun = await runNow(w, w.h.alice, alices.id, 'succeeded', 'meetings');
    expect(meetingsRun.counts.import.created).toBe(1);
    const fault = await w.sandbox.admin.addFault({
      protocol: 'ews',
      mailbox: alices.address,
      operation: 'SyncFolderItems',
      fault: { kind: 'serverError', status: 500 },
    });
    const tasksRun = await runNow(w, w.h.alice, alices.id, 'failed', 'tasks');
    await w.sandbox.admin.removeFault(fault.id);

    const mine = await get(w.h.alice, '/api/v1/sync/entities');
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.items.map((i: { entity: string }) => i.entity)).toEqual([
      'contacts',
      'meetings',
      'tasks',
    ]);
    const [contacts, meetings, tasks] = mine.body.items;
    expect(contacts).toMatchObject({
      mailboxId: alices.id,
      address: alices.address,
      linked: 8,
      openConflicts: 1,
      latestRun: { status: 'succeeded', conflicts: 1 },
    });
    expect(meetings).toMatchObject({
      mailboxId: alices.id,
      entity: 'meetings',
      linked: 1,
      openConflicts: 0,
      latestRun: {
        id: meetingsRun.id,
        status: 'succeeded',
        counts: { import: { created: 1 }, export: { created: 0 } },
      },
    });
    expect(tasks).toMatchObject({
      mailboxId: alices.id,
      entity: 'tasks',
      linked: 0,
      openConflicts: 0,
      latestRun: { id: tasksRun.id, status: 'failed' },
    });
    const all = await get(w.h.admin, '/api/v1/sync/entities');
    expect(all.body.items).toHaveLength(6);
    const bobsOwn = await get(w.h.bob, '/api/v1/sync/entities');
    expect(
      bobsOwn.body.items.map(
        (i: { mailboxId: string; entity: string; linked: number; latestRun: unknown }) => [
          i.mailboxId,
          i.entity,
          i.linked,
          i.latestRun === null,
        ],
      ),
    ).toEqual([
      [bobs.id, 'contacts', 1, false],
      [bobs.id, 'meetings', 0, true],
      [bobs.id, 'tasks', 0, true],
    ]);
    expect((await get(w.h.bob, `/api/v1/sync/entities?mailboxId=${alices.id}`)).status).toBe(404);
  });

  it('lists the latest runs of each entity side by side, as the mailbox cards show them', async () => {
    const url = `/api/v1/mailboxes/${alices.id}/latest-runs`;
    const mine = await get(w.h.alice, url);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.items.map((i: { entity: string }) => i.entity)).toEqual([
      'contacts',
      'meetings',
      'tasks',
    ]);
    const [contacts, meetings, tasks] = mine.body.items;
    // The same runs, newest first, as the run history of each entity.
    for (const item of mine.body.items) {
      const history = await get(w.h.alice, `/api/v1/mailboxes/${alices.id}/runs?entity=${item.entity}`);
      expect(item.runs).toEqual(history.body.items);
    }
    expect(contacts.runs.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(contacts.runs[0]).toMatchObject({ entity: 'contacts', conflicts: 1 });
    expect(contacts.runs[1]).toMatchObject({ counts: { import: { created: 8 } } });
    expect(meetings.runs).toEqual([
      expect.objectContaining({
        entity: 'meetings',
        status: 'succeeded',
        trigger: 'manual',
        counts: {
          import: { created: 1, updated: 0, deleted: 0, unlinked: 0 },
          export: { created: 0, updated: 0, deleted: 0, unlinked: 0 },
        },
        errors: [],
      }),
    ]);
    // The failed part says why, beside the parts that succeeded.
    expect(tasks.runs).toEqual([expect.objectContaining({ entity: 'tasks', status: 'failed' })]);
    expect(tasks.runs[0].errors[0]).toMatchObject({ code: 'exchange_transient' });

    // `limit` runs of each entity: the contacts' second run does not push the others out.
    const one = await get(w.h.alice, `${url}?limit=1`);
    expect(one.body.items.map((i: { entity: string; runs: unknown[] }) => [i.entity, i.runs.length])).toEqual(
      [
        ['contacts', 1],
        ['meetings', 1],
        ['tasks', 1],
      ],
    );
    expect(one.body.items[0].runs[0].id).toBe(contacts.runs[0].id);

    // Bob's own mailbox has only contacts; Alice's is not his to see; administrators see it.
    const bobsOwn = await get(w.h.bob, `/api/v1/mailboxes/${bobs.id}/latest-runs`);
    expect(bobsOwn.body.items.map((i: { runs: unknown[] }) => i.runs.length)).toEqual([1, 0, 0]);
    expect((await get(w.h.bob, url)).status).toBe(404);
    expect((await get(w.h.admin, url)).body).toEqual(mine.body);
    expect((await get(w.h.alice, `${url}?limit=0`)).status).toBe(422);
    expect((await get(w.h.alice, `${url}?limit=101`)).status).toBe(422);
  });

  it('settles a conflict: the other value becomes the user’s journaled edit, or it is acknowledged', async () => {
    const [conflict] = (await get(w.h.alice, '/api/v1/sync/conflicts?state=open')).body.items;
    expect(conflict).toMatchObject({ fields: ['jobTitle'], userResolution: null, resolvedAt: null });
    const resolve = (who: TestUser, id: string, action: string) =>
      w.call(who, { method: 'POST', url: `/api/v1/sync/conflicts/${id}/resolve`, payload: { action } });

    // Bob sees neither the mailbox nor the conflict; an unknown action is refused.
    expect((await resolve(w.h.bob, conflict.id, 'use_other_value')).statusCode).toBe(404);
    expect((await resolve(w.h.alice, conflict.id, 'keep')).statusCode).toBe(422);

    const head = async () =>
      Number(
        (
          await w.h.store.db
            .selectFrom('changes')
            .select((eb) => eb.fn.max('version').as('v'))
            .executeTakeFirstOrThrow()
        ).v ?? 0,
      );
    const before = await head();
    const used = await resolve(w.h.alice, conflict.id, 'use_other_value');
    expect(used.statusCode, used.body).toBe(200);
    expect(used.json()).toMatchObject({ id: conflict.id, userResolution: 'use_other_value' });
    const contact = await get(w.h.alice, `/api/v1/contacts/${conflict.recordId}`);
    expect(contact.body.jobTitle).toBe('Outlook title');
    const journal = await w.h.store.db
      .selectFrom('changes')
      .selectAll()
      .where('record_id', '=', conflict.recordId)
      .where('version', '>', before)
      .execute();
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ operation: 'update', actor_mailbox_id: null });
    expect(JSON.parse(journal[0].fields)).toContain('jobTitle');
    // Settled once; it is no longer open.
    expect((await resolve(w.h.alice, conflict.id, 'acknowledge')).statusCode).toBe(409);
    expect((await get(w.h.alice, '/api/v1/sync/conflicts?state=open')).body.items).toEqual([]);
    // The next sync exports the edit to Exchange.
    await runNow(w, w.h.alice, alices.id);
    const item = await w.sandbox.admin.item(alices.address, items[0]);
    expect((item.data as { jobTitle?: string }).jobTitle).toBe('Outlook title');

    // A second conflict, acknowledged: the CRM keeps its value and the conflict is closed.
    await w.call(w.h.alice, {
      method: 'PATCH',
      url: `/api/v1/contacts/${conflict.recordId}`,
      payload: { jobTitle: 'CRM again' },
    });
    await w.sandbox.admin.updateItem<'contact'>(alices.address, items[0], { jobTitle: 'Outlook again' });
    expect((await runNow(w, w.h.alice, alices.id)).conflicts).toBe(1);
    const [second] = (await get(w.h.alice, '/api/v1/sync/conflicts?state=open')).body.items;
    const acknowledged = await resolve(w.h.admin, second.id, 'acknowledge');
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    expect(acknowledged.json().userResolution).toBe('acknowledged');
    expect((await get(w.h.alice, '/api/v1/sync/conflicts?state=open')).body.items).toEqual([]);
    expect((await get(w.h.alice, '/api/v1/sync/conflicts')).body.items).toHaveLength(2);
    expect((await get(w.h.alice, `/api/v1/contacts/${conflict.recordId}`)).body.jobTitle).toBe('CRM again');
  });

  it('shows a held run with where its deletes would happen; only administrators decide', async () => {
    // 6 of 8 deleted in the mailbox: far above the 20 % the guard allows.
    for (const id of items.slice(2)) await w.sandbox.admin.deleteItem(alices.address, id);
    const held = await runNow(w, w.h.alice, alices.id, 'held');
    expect(held.status).toBe('held');

    const perMailbox = await get(w.h.alice, `/api/v1/mailboxes/${alices.id}/holds`);
    expect(perMailbox.body.items).toEqual([
      expect.objectContaining({ id: 'contacts', pendingDeletes: 6, deletes: { crm: 6, exchange: 0 } }),
    ]);
    const mine = await get(w.h.alice, '/api/v1/sync/holds');
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        id: 'contacts',
        mailboxId: alices.id,
        address: alices.address,
        decision: null,
        pendingDeletes: 6,
        deletes: { crm: 6, exchange: 0 },
        reason: expect.stringMatching(/administrator/),
      }),
    ]);
    expect((await get(w.h.bob, '/api/v1/sync/holds')).body.items).toEqual([]);
    expect((await get(w.h.admin, '/api/v1/sync/holds')).body.items).toHaveLength(1);

    const refused = await w.call(w.h.alice, {
      method: 'POST',
      url: `/api/v1/mailboxes/${alices.id}/holds/contacts`,
      payload: { decision: 'unlink' },
    });
    expect(refused.statusCode).toBe(403);
    const decided = await w.call(w.h.admin, {
      method: 'POST',
      url: `/api/v1/mailboxes/${alices.id}/holds/contacts`,
      payload: { decision: 'unlink' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json().hold).toMatchObject({ decision: 'unlink', deletes: { crm: 6, exchange: 0 } });

    // The queued run may already have carried it out; a run now surely has.
    // Up to 40 s: on a loaded machine (CI runs files side by side) the queued run can be slow.
    const deadline = Date.now() + 40_000;
    while ((await get(w.h.admin, '/api/v1/sync/holds')).body.items.length > 0 && Date.now() < deadline) {
      const again = await w.call(w.h.admin, {
        method: 'POST',
        url: `/api/v1/mailboxes/${alices.id}/runs?wait=true`,
        payload: { entity: 'contacts' },
      });
      if (again.statusCode !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect((await get(w.h.admin, '/api/v1/sync/holds')).body.items).toEqual([]);
    const activity = await get(w.h.alice, '/api/v1/sync/activity');
    const today = activity.body.points.at(-1);
    expect(today.heldRuns).toBe(1);
    expect(today.import.unlinked + today.export.unlinked).toBe(6);
  }, 90_000);
});
