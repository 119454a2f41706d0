// Promises sync makes to users, through the REST API against the sandbox (SPEC E3, E5, E7): the
// mass-delete guard is the administrator's (a mailbox may be stricter, never looser), a failed
// run shows in the mailbox's health and is retried, and a queued run survives a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe("the mass-delete guard is the administrator's", () => {
  it('refuses a user share above the organisation limit, with the limit in the message', async () => {
    const mailbox = await connectMailbox(w, w.h.alice);
    const policy = await w.call(w.h.alice, { method: 'GET', url: '/api/v1/sync/policy' });
    expect(policy.json()).toEqual({ massDeleteShare: 0.2 });
    const loose = await w.call(w.h.alice, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: { contacts: { massDeleteShare: 1 } },
    });
    expect(loose.statusCode).toBe(422);
    expect(loose.json().error.message).toMatch(/at most 20 %, the administrator's limit/);
    const stricter = await w.call(w.h.alice, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: { contacts: { massDeleteShare: 0.1 } },
    });
    expect(stricter.statusCode).toBe(200);
    expect(stricter.json().contacts.massDeleteShare).toBe(0.1);

    // Only an administrator moves the limit.
    const byUser = await w.call(w.h.alice, {
      method: 'PUT',
      url: '/api/v1/sync/policy',
      payload: { massDeleteShare: 1 },
    });
    expect(byUser.statusCode).toBe(403);
    const byAdmin = await w.call(w.h.admin, {
      method: 'PUT',
      url: '/api/v1/sync/policy',
      payload: { massDeleteShare: 0.5 },
    });
    expect(byAdmin.json()).toEqual({ massDeleteShare: 0.5 });
    const nowAllowed = await w.call(w.h.alice, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: { contacts: { massDeleteShare: 0.5 } },
    });
    expect(nowAllowed.statusCode).toBe(200);
  });

  it('holds a run by the organisation limit even when the mailbox stored a looser share', async () => {
    await w.call(w.h.admin, { method: 'PUT', url: '/api/v1/sync/policy', payload: { massDeleteShare: 0.2 } });
    const mailbox = await connectMailbox(w, w.h.alice);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const item = await w.sandbox.admin.createItem(mailbox.address, 'contacts', 'contact', {
        givenName: 'Guarded',
        surname: `Contact ${i}`,
        displayName: `Guarded Contact ${i}`,
        emailAddresses: [],
      });
      ids.push(item.id);
    }
    await runNow(w, w.h.alice, mailbox.id);
    // As if saved before the administrator set the limit (or written around the API).
    await w.h.store.db
      .insertInto('mailbox_sync_settings')
      .values({
        mailbox_id: mailbox.id,
        entity: 'contacts',
        settings: JSON.stringify({ massDeleteShare: 1 }),
        updated_at: new Date().toISOString(),
        updated_by: null,
      })
      .onConflict((oc) =>
        oc
          .columns(['mailbox_id', 'entity'])
          .doUpdateSet({ settings: JSON.stringify({ massDeleteShare: 1 }) }),
      )
      .execute();
    for (const id of ids.slice(0, 6)) await w.sandbox.admin.deleteItem(mailbox.address, id);
    await runNow(w, w.h.alice, mailbox.id, 'held');
  });
});
