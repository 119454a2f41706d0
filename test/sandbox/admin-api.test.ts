// The admin API acts as the mailbox's user through the same store a sync reads.

import { type RunningSandbox, SandboxAdminClient, SandboxAdminError, startSandbox } from '@exsync/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('admin API', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'none', adminKey: 'test-key' });
    await sandbox.admin.createTenant({ domain: 'contoso.test', id: '11111111-2222-4333-8444-555555555555' });
    await sandbox.admin.createMailbox({
      tenant: 'contoso.test',
      address: 'kim@contoso.test',
      displayName: 'Kim',
      password: 'pw',
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('refuses requests without the admin key', async () => {
    const outsider = new SandboxAdminClient(sandbox.url, 'wrong');
    await expect(outsider.tenants()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    const ca = await fetch(`${sandbox.url}/sandbox/api/ca.pem`);
    expect(await ca.text()).toBe(sandbox.caPem);
  });

  it('creates, edits, moves and deletes items as the user, visible in the change log', async () => {
    const mailbox = sandbox.store.mailbox('kim@contoso.test')!;
    const contacts = sandbox.store.distinguishedFolder(mailbox.id, 'contacts')!;
    let position = sandbox.store.headPosition(mailbox.id, contacts.id);
    const events: string[] = [];
    const stop = sandbox.store.onChange((e) => events.push(e.type === 'itemChanged' ? e.change : e.change));

    const created = await sandbox.admin.createItem('kim@contoso.test', 'contacts', 'contact', {
      givenName: 'Ada',
      surname: 'Byron',
      emailAddresses: [{ address: 'ada@byron.example' }],
    });
    let page = sandbox.store.itemChangesSince(position, 10);
    expect(page.changes).toEqual([{ type: 'create', item: expect.objectContaining({ id: created.id }) }]);
    position = page.next;

    const updated = await sandbox.admin.updateItem<'contact'>(
      'kim@contoso.test',
      created.id,
      { jobTitle: 'Analyst', surname: null },
      created.changeKey,
    );
    expect(updated.data).toMatchObject({ jobTitle: 'Analyst' });
    expect(updated.data).not.toHaveProperty('surname');
    await expect(
      sandbox.admin.updateItem<'contact'>(
        'kim@contoso.test',
        created.id,
        { jobTitle: 'Late' },
        created.changeKey,
      ),
    ).rejects.toMatchObject({ status: 412, code: 'staleChangeKey' });
    page = sandbox.store.itemChangesSince(position, 10);
    expect(page.changes.map((c) => c.type)).toEqual(['update']);
    position = page.next;

    const folder = await sandbox.admin.createFolder('kim@contoso.test', {
      parentId: contacts.id,
      displayName: 'Clients',
      folderClass: 'IPF.Contact',
    });
    const moved = await sandbox.admin.moveItem('kim@contoso.test', created.id, folder.id);
    expect(moved.id).toBe(created.id);
    expect(sandbox.store.itemChangesSince(position, 10).changes).toEqual([
      { type: 'delete', itemId: created.id },
    ]);

    await sandbox.admin.deleteItem('kim@contoso.test', created.id, 'moveToDeletedItems');
    expect((await sandbox.admin.item('kim@contoso.test', created.id)).folderId).toBe(
      sandbox.store.distinguishedFolder(mailbox.id, 'deleteditems')!.id,
    );
    await sandbox.admin.deleteItem('kim@contoso.test', created.id);
    await expect(sandbox.admin.item('kim@contoso.test', created.id)).rejects.toMatchObject({ status: 404 });
    stop();
    expect(events).toEqual(['create', 'update', 'create', 'move', 'move', 'delete']);

    const state = await sandbox.admin.state('kim@contoso.test');
    expect(state.folders.map((f) => f.path)).toContain('Contacts/Clients');
  });

  it('counts meeting messages in every folder, and ignores ordinary mail and meetings put in by hand', async () => {
    const empty = await sandbox.admin.meetingMessages('kim@contoso.test');
    expect(empty).toEqual({
      mailbox: 'kim@contoso.test',
      counts: {
        requests: 0,
        updates: 0,
        cancellations: 0,
        responses: 0,
        accepted: 0,
        tentativelyAccepted: 0,
        declined: 0,
        total: 0,
      },
      messages: [],
    });
    await sandbox.admin.createItem('kim@contoso.test', 'inbox', 'message', {
      subject: 'Lunch?',
      body: { contentType: 'text', content: 'Noon.' },
    });
    await sandbox.admin.createItem('kim@contoso.test', 'calendar', 'event', {
      subject: 'Put in by hand',
      start: '2026-10-01T09:00:00.000Z',
      end: '2026-10-01T10:00:00.000Z',
      organizer: { address: 'kim@contoso.test' },
      attendees: [{ email: { address: 'someone@contoso.test' }, type: 'required', response: 'none' }],
    });
    expect((await sandbox.admin.meetingMessages('kim@contoso.test')).counts.total).toBe(0);
    await expect(sandbox.admin.meetingMessages('nobody@contoso.test')).rejects.toMatchObject({
      status: 404,
      code: 'mailboxNotFound',
    });
  });

  it('answers malformed input with a 400 naming the field', async () => {
    const error = await sandbox.admin
      .createItem('kim@contoso.test', 'calendar', 'event', { subject: 'x', start: 'tomorrow' } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxAdminError);
    expect(error).toMatchObject({ status: 400, code: 'badRequest' });
    expect((error as Error).message).toMatch(/start/);
    await expect(
      sandbox.admin.createItem('kim@contoso.test', 'contacts', 'contact', {
        emailAddresses: [
          { address: 'a@x.y' },
          { address: 'b@x.y' },
          { address: 'c@x.y' },
          { address: 'd@x.y' },
        ],
      }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(sandbox.admin.items('nobody@contoso.test', 'contacts')).rejects.toMatchObject({
      status: 404,
      code: 'mailboxNotFound',
    });
  });

  it('manages fault rules, sync-state expiry and apps', async () => {
    const rule = await sandbox.admin.addFault({
      protocol: 'graph',
      mailbox: 'kim@contoso.test',
      fault: { kind: 'throttle', retryAfterMs: 1000 },
      times: 1,
    });
    const mailboxId = sandbox.store.mailbox('kim@contoso.test')!.id;
    expect(rule.mailboxId).toBe(mailboxId);
    expect(sandbox.faults.pick({ protocol: 'graph', operation: 'x', mailboxId })).toHaveLength(1);
    expect((await sandbox.admin.faults())[0]).toMatchObject({ id: rule.id, times: 0, applied: 1 });
    await sandbox.admin.removeFault(rule.id);
    await expect(sandbox.admin.removeFault(rule.id)).rejects.toMatchObject({ status: 404 });
    await expect(sandbox.admin.addFault({ fault: { kind: 'meteor' } as never })).rejects.toMatchObject({
      status: 400,
    });

    const contacts = sandbox.store.distinguishedFolder(mailboxId, 'contacts')!.id;
    const held = sandbox.store.headPosition(mailboxId, contacts);
    await sandbox.admin.expireSyncStates('kim@contoso.test');
    expect(() => sandbox.store.itemChangesSince(held, 10)).toThrow(
      expect.objectContaining({ code: 'invalidSyncState' }),
    );

    const app = await sandbox.admin.createApp({
      tenant: 'contoso.test',
      displayName: 'CRM',
      redirectUris: ['https://crm.example/cb'],
    });
    expect((await sandbox.admin.apps()).map((a) => a.clientId)).toContain(app.clientId);
    expect(app.clientSecret.length).toBeGreaterThan(20);
  });
});
