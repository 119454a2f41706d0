// Meetings and tasks settings and "sync now" through the REST API against the sandbox, on both
// kinds of mail service (SPEC C1–C5, E1, E3): the defaults of a mailbox nobody configured, chosen
// calendars and task lists checked against the mailbox, the invitation setting stamped by the
// server, and a run of each entity through the server's runtime. Contacts clients are unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailboxWorld, type MailboxWorld } from './mailboxes-support.ts';
import { addMailServices, connectMailbox } from './support/sync-api.ts';

let w: MailboxWorld;

beforeAll(async () => {
  w = await createMailboxWorld();
  await addMailServices(w, w.exchangeService(), w.microsoft365Service({ domains: ['m365.test'] }));
});

afterAll(async () => {
  await w?.close();
});

const soon = (days: number, hour: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days, hour)).toISOString();
};

describe.each([
  ['Exchange over EWS', 'example.test'],
  ['Microsoft 365 over Graph', 'm365.test'],
] as const)('meetings and tasks of a mailbox on %s', (_label, domain) => {
  const who = () => w.h.alice;
  let mailbox: { id: string; address: string };
  const settingsUrl = () => `/api/v1/mailboxes/${mailbox.id}/sync-settings`;
  const put = (payload: object) => w.call(who(), { method: 'PUT', url: settingsUrl(), payload });

  it('answers the defaults for meetings and tasks beside the contacts block', async () => {
    mailbox = await connectMailbox(w, who(), domain);
    const answer = await w.call(who(), { method: 'GET', url: settingsUrl() });
    expect(answer.statusCode).toBe(200);
    expect(Object.keys(answer.json()).sort()).toEqual(['contacts', 'meetings', 'tasks']);
    expect(answer.json().meetings).toMatchObject({
      direction: 'two_way',
      importFolders: 'all',
      export: { all: true },
      importFrom: null,
      sendInvitations: false,
      sendInvitationsSince: null,
    });
    expect(answer.json().tasks).toMatchObject({
      direction: 'two_way',
      importFolders: 'all',
      importFrom: null,
    });
    // A contacts-only update, as clients sent before, still works and leaves the others as they were.
    const contacts = await put({ contacts: { syncNotes: false } });
    expect(contacts.statusCode, contacts.body).toBe(200);
    expect(contacts.json().meetings).toEqual(answer.json().meetings);
  });

  it('takes chosen calendars and task lists of the mailbox, and refuses one it does not have', async () => {
    const projects = await w.sandbox.admin.createFolder(mailbox.address, {
      parentId: 'msgfolderroot',
      displayName: 'Projects',
      folderClass: 'IPF.Appointment',
    });
    const saved = await put({
      meetings: { importFolders: [projects.id, 'calendar'], importFrom: '2026-01-01' },
      tasks: { importFolders: ['tasks'], export: { all: false, groupIds: ['grp-1'] } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().meetings).toMatchObject({
      importFolders: [projects.id, 'calendar'],
      importFrom: '2026-01-01',
    });
    expect(saved.json().tasks).toMatchObject({
      importFolders: ['tasks'],
      export: { all: false, groupIds: ['grp-1'] },
    });
    const unknown = await put({ meetings: { importFolders: ['no-such-calendar'] } });
    expect(unknown.statusCode).toBe(422);
    expect(JSON.stringify(unknown.json()), unknown.body).toContain('meetings.importFolders.0');
    // A contact folder is not a calendar.
    const wrongKind = await put({ meetings: { importFolders: ['contacts'] } });
    expect(wrongKind.statusCode).toBe(422);
    expect((await put({ tasks: { importFrom: '1 March' } })).statusCode).toBe(422);
  });

  it('stamps the invitation setting with the time it was switched on, and keeps the stamp while it stays on', async () => {
    const before = Date.now();
    const on = await put({
      meetings: { sendInvitations: true, sendInvitationsSince: '2001-01-01T00:00:00Z' },
    });
    expect(on.statusCode, on.body).toBe(200);
    const since = on.json().meetings.sendInvitationsSince as string;
    // The server's time, never the client's.
    expect(Date.parse(since)).toBeGreaterThanOrEqual(before - 1000);
    const still = await put({ meetings: { sendInvitations: true, direction: 'two_way' } });
    expect(still.json().meetings.sendInvitationsSince).toBe(since);
    const off = await put({ meetings: { sendInvitations: false } });
    expect(off.json().meetings).toMatchObject({ sendInvitations: false, sendInvitationsSince: null });
  });

  it('syncs meetings and tasks now, each as its own entity', async () => {
    await put({ meetings: { importFolders: 'all', importFrom: null }, tasks: { importFolders: 'all' } });
    await w.sandbox.admin.createItem(mailbox.address, 'calendar', 'event', {
      subject: `Planning ${mailbox.id}`,
      start: soon(3, 9),
      end: soon(3, 10),
      organizer: { address: mailbox.address },
    });
    await w.sandbox.admin.createItem(mailbox.address, 'tasks', 'task', {
      subject: `Call back ${mailbox.id}`,
    });
    for (const entity of ['meetings', 'tasks']) {
      const answer = await w.call(who(), {
        method: 'POST',
        url: `/api/v1/mailboxes/${mailbox.id}/runs?wait=true`,
        payload: { entity },
      });
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json().run.status, JSON.stringify(answer.json().run.errors)).toBe('succeeded');
      expect(answer.json().run.counts.import.created).toBe(1);
    }
    const list = await w.call(who(), { method: 'GET', url: `/api/v1/activities?limit=100` });
    const subjects = (list.json().items as Array<{ subject: string; kind: string }>)
      .filter((a) => a.subject.endsWith(mailbox.id))
      .map((a) => `${a.kind}:${a.subject}`)
      .sort();
    expect(subjects).toEqual([`meeting:Planning ${mailbox.id}`, `task:Call back ${mailbox.id}`]);
    const unknown = await w.call(who(), {
      method: 'POST',
      url: `/api/v1/mailboxes/${mailbox.id}/runs?wait=true`,
      payload: { entity: 'emails' },
    });
    expect(unknown.statusCode).toBe(422);
  });
});
