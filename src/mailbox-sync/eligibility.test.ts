// Which mailboxes may sync: each refusal with its code, read from the mailbox, user and
// organisation-user rows through their owner modules. On SQLite and, with
// EXSYNC_TEST_DB=postgres, PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';
import { insertMailbox, newMailboxRow } from '../mailboxes/mailbox-rows.ts';
import { assertSyncable } from './eligibility.ts';

const NOW = new Date('2026-12-01T10:00:00.000Z');

let fx: CrmFixture;
let serial = 0;
beforeAll(async () => {
  fx = await setupCrm();
  for (const [id, mode] of [
    ['svc-individual', 'individual'],
    ['svc-organisation', 'organisation'],
  ] as const)
    await fx.store.db
      .insertInto('mail_services')
      .values({
        id,
        type: 'exchange',
        name: id,
        service_address: 'mail.example.test',
        ews_url: null,
        authority_url: null,
        load_emails: false,
        send_emails: false,
        login_format: 'email',
        auth_method: 'basic',
        client_id: null,
        client_secret_enc: null,
        tenant: null,
        domains: '[]',
        access_mode: mode,
        service_login: null,
        service_secret_enc: null,
        ca_bundle: null,
        allow_private_addresses: false,
        created_at: NOW.toISOString(),
        updated_at: NOW.toISOString(),
      })
      .execute();
});
afterAll(async () => {
  await fx?.close();
});

async function mailbox(fields: { userId?: string; organisation?: boolean; throttledUntil?: string } = {}) {
  const id = `eligibility-${serial++}`;
  const organisation = fields.organisation ?? false;
  await insertMailbox(fx.store.db, {
    ...newMailboxRow(
      {
        id,
        user_id: fields.userId ?? fx.alice.userId,
        service_id: organisation ? 'svc-organisation' : 'svc-individual',
        address: `${id}@example.test`,
        login: null,
        access_mode: organisation ? 'organisation' : 'individual',
        status: 'active',
      },
      NOW.toISOString(),
    ),
    throttled_until: fields.throttledUntil ?? null,
  });
  return id;
}

describe('a mailbox that may sync', () => {
  it('is returned; an unknown one is refused as disconnected', async () => {
    const id = await mailbox();
    expect((await assertSyncable(fx.store.db, id, NOW)).id).toBe(id);
    await expect(assertSyncable(fx.store.db, 'no-such-mailbox', NOW)).rejects.toMatchObject({
      code: 'mailbox_disconnected',
    });
  });

  it('is refused while throttled, unless throttling is to be ignored', async () => {
    const id = await mailbox({ throttledUntil: '2026-12-01T11:00:00.000Z' });
    await expect(assertSyncable(fx.store.db, id, NOW)).rejects.toMatchObject({ code: 'mailbox_throttled' });
    expect((await assertSyncable(fx.store.db, id, NOW, { ignoreThrottling: true })).id).toBe(id);
  });

  it("is refused when its user is deactivated, or not selected in an organisation's service", async () => {
    const inactive = await fx.crm.users.createUser({
      email: 'inactive@example.test',
      displayName: 'Inactive',
    });
    await fx.store.db.updateTable('users').set({ active: false }).where('id', '=', inactive.id).execute();
    await expect(
      assertSyncable(fx.store.db, await mailbox({ userId: inactive.id }), NOW),
    ).rejects.toMatchObject({
      code: 'user_inactive',
    });
    const organisation = await mailbox({ organisation: true });
    await expect(assertSyncable(fx.store.db, organisation, NOW)).rejects.toMatchObject({
      code: 'user_not_selected',
    });
    await fx.store.db
      .insertInto('organisation_users')
      .values({ service_id: 'svc-organisation', user_id: fx.alice.userId, created_at: NOW.toISOString() })
      .execute();
    expect((await assertSyncable(fx.store.db, organisation, NOW)).id).toBe(organisation);
  });
});
