// Meetings over Graph as Microsoft 365 handles them. Graph has no switch against meeting mail:
// creating an event with attendees invites them, changing what attendees see sends an update
// (requests to added attendees, cancellations to removed ones), deleting or cancelling sends
// cancellations; accept / tentativelyAccept / decline answer the organizer. Attendee copies share
// the organizer's iCalUId and change only through what the organizer sends. Checked through
// Graph and EWS; meeting messages are counted with the admin API.

import type { MeetingMessagesReport } from '@exsync/sandbox';
import type { Item } from '@exsync/sandbox/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, descendant, EwsTestClient, firstMessage, responseCode } from '../support/ews-soap.ts';
import { type GraphSandbox, startGraphSandbox } from '../support/graph-sandbox.ts';
import { assertGraphEntity } from '../support/graph-schema.ts';

const ADA = 'ada@example.test';
const GRACE = 'grace@example.test';
const LINUS = 'linus@example.test';

let g: GraphSandbox;
let tokens: Record<string, string>;
let seq = 0;

beforeAll(async () => {
  g = await startGraphSandbox();
  tokens = Object.fromEntries([ADA, GRACE, LINUS].map((a) => [a, g.userToken(a)]));
});
afterAll(() => g?.close());

const store = () => g.sandbox.store;
const mailboxId = (address: string) => store().mailbox(address)!.id;
const attendee = (address: string, type = 'required') => ({ emailAddress: { address }, type });

async function createMeeting(attendees: string[], extra: Record<string, unknown> = {}) {
  const day = String(1 + (++seq % 28)).padStart(2, '0');
  const created = await g.graph('POST', '/me/events', {
    token: tokens[ADA],
    body: {
      subject: `Graph meeting ${seq}`,
      start: { dateTime: `2027-02-${day}T10:00:00`, timeZone: 'UTC' },
      end: { dateTime: `2027-02-${day}T11:00:00`, timeZone: 'UTC' },
      location: { displayName: 'Room 1' },
      attendees: attendees.map((a) => attendee(a)),
      ...extra,
    },
  });
  expect(created.status, created.text).toBe(201);
  return created.json as { id: string; iCalUId: string; subject: string };
}

type MeetingMessageSummary = MeetingMessagesReport['messages'][number];

async function messagesAbout(address: string, uid: string): Promise<MeetingMessageSummary[]> {
  return (await g.sandbox.admin.meetingMessages(address)).messages.filter((m) => m.iCalUId === uid);
}

async function summary(address: string, uid: string): Promise<string[]> {
  return (await messagesAbout(address, uid)).map(
    (m) => `${m.type}${m.requestType ? `/${m.requestType}` : ''}@${m.folder}`,
  );
}

/** The attendee's calendar item for `uid` (not one in Deleted Items). */
function copyOf(address: string, uid: string): Item<'event'> | undefined {
  const id = mailboxId(address);
  for (const folder of store().folders(id)) {
    if (folder.folderClass !== 'IPF.Appointment') continue;
    const found = store()
      .items(id, folder.id)
      .find((i) => i.kind === 'event' && i.data.iCalUId === uid);
    if (found) return found as Item<'event'>;
  }
  return undefined;
}

const patch = (id: string, body: unknown) =>
  g.graph('PATCH', `/me/events/${id}`, { token: tokens[ADA], body });
const action = (address: string, id: string, name: string, body: unknown = {}) =>
  g.graph('POST', `/me/events/${id}/${name}`, { token: tokens[address], body });

describe('invitations without a switch', () => {
  it('creating an event with attendees invites them: a request in each Inbox, a copy in Sent Items, an attendee copy with the same iCalUId', async () => {
    const m = await createMeeting([GRACE, LINUS]);
    expect(m).not.toHaveProperty('uid');
    expect(await summary(GRACE, m.iCalUId)).toEqual(['request/newMeetingRequest@inbox']);
    expect(await summary(LINUS, m.iCalUId)).toEqual(['request/newMeetingRequest@inbox']);
    expect(await summary(ADA, m.iCalUId)).toEqual(['request/newMeetingRequest@sentitems']);

    const copy = copyOf(GRACE, m.iCalUId)!;
    const graphCopy = await g.graph('GET', `/me/events/${copy.id}`, { token: tokens[GRACE] });
    assertGraphEntity('event', graphCopy.json);
    expect(graphCopy.json).toMatchObject({
      iCalUId: m.iCalUId,
      isOrganizer: false,
      responseStatus: { response: 'notResponded' },
      showAs: 'tentative',
      organizer: { emailAddress: { address: ADA } },
    });
    // Only the organizer learns the others' answers.
    expect(graphCopy.json.attendees.map((a: { status: { response: string } }) => a.status.response)).toEqual([
      'notResponded',
      'none',
    ]);
    const organizer = await g.graph('GET', `/me/events/${m.id}`, { token: tokens[ADA] });
    expect(organizer.json).toMatchObject({ isOrganizer: true, responseStatus: { response: 'organizer' } });

    const [request] = await messagesAbout(GRACE, m.iCalUId);
    const message = await g.graph('GET', `/me/messages/${request.id}`, { token: tokens[GRACE] });
    assertGraphEntity('eventMessageRequest', message.json);
    expect(message.json).toMatchObject({
      '@odata.type': '#microsoft.graph.eventMessageRequest',
      meetingMessageType: 'meetingRequest',
      meetingRequestType: 'newMeetingRequest',
      subject: m.subject,
      from: { emailAddress: { address: ADA } },
      startDateTime: { dateTime: expect.stringMatching(/T10:00:00/), timeZone: 'UTC' },
    });

    // The same copy through EWS.
    const ews = new EwsTestClient(g.sandbox.url, basic(GRACE, 'Passw0rd!'));
    const answer = await ews.call(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${copy.id}"/></m:ItemIds></m:GetItem>`,
    );
    const item = descendant(firstMessage(answer), 'Items', 'CalendarItem');
    expect(descendant(item, 'UID')?.text).toBe(m.iCalUId);
    expect(descendant(item, 'IsOrganizer')?.text).toBe('false');
    expect(descendant(item, 'MyResponseType')?.text).toBe('NoResponseReceived');
    const organizerAnswer = await new EwsTestClient(
      g.sandbox.url,
      basic(ADA, 'Passw0rd!'),
      ews.recorder,
    ).call(
      `<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${m.id}"/></m:ItemIds></m:GetItem>`,
    );
    const organizerItem = descendant(firstMessage(organizerAnswer), 'Items', 'CalendarItem');
    expect(descendant(organizerItem, 'MeetingRequestWasSent')?.text).toBe('true');
    await ews.recorder.expectAllValid();
  });

  it('an event without attendees sends nothing until attendees are added', async () => {
    const m = await createMeeting([]);
    expect(await summary(ADA, m.iCalUId)).toEqual([]);
    expect((await patch(m.id, { subject: 'Still alone' })).status).toBe(200);
    expect(await summary(ADA, m.iCalUId)).toEqual([]);
    expect((await patch(m.id, { attendees: [attendee(GRACE)] })).status).toBe(200);
    expect(await summary(GRACE, m.iCalUId)).toEqual(['request/newMeetingRequest@inbox']);
    expect(copyOf(GRACE, m.iCalUId)!.data.subject).toBe('Still alone');
  });

  it('changing a meeting sends updates; personal fields such as the reminder send nothing; removed attendees get a cancellation', async () => {
    const m = await createMeeting([GRACE]);
    expect((await patch(m.id, { reminderMinutesBeforeStart: 5, categories: ['Red'] })).status).toBe(200);
    expect(await summary(GRACE, m.iCalUId)).toEqual(['request/newMeetingRequest@inbox']);

    expect((await patch(m.id, { subject: `${m.subject} (agenda)` })).status).toBe(200);
    expect(copyOf(GRACE, m.iCalUId)!.data.subject).toBe(`${m.subject} (agenda)`);
    expect((await patch(m.id, { location: { displayName: 'Room 7' } })).status).toBe(200);
    expect(copyOf(GRACE, m.iCalUId)!.data.location).toBe('Room 7');
    expect(await summary(GRACE, m.iCalUId)).toEqual([
      'request/newMeetingRequest@inbox',
      'request/informationalUpdate@inbox',
      'request/fullUpdate@inbox',
    ]);

    expect((await patch(m.id, { attendees: [attendee(LINUS)] })).status).toBe(200);
    expect(await summary(LINUS, m.iCalUId)).toEqual(['request/newMeetingRequest@inbox']);
    expect((await summary(GRACE, m.iCalUId)).at(-1)).toBe('cancellation@inbox');
    expect(copyOf(GRACE, m.iCalUId)!.data.isCancelled).toBe(true);
    const counts = (await g.sandbox.admin.meetingMessages(GRACE)).counts;
    expect(counts).toMatchObject({ cancellations: expect.any(Number), updates: expect.any(Number) });
    expect(counts.total).toBe(counts.requests + counts.updates + counts.cancellations + counts.responses);
  });

  it('deleting a meeting from the organizer’s calendar cancels it for the attendees; an attendee deleting her copy sends nothing', async () => {
    const m = await createMeeting([GRACE, LINUS]);
    const copy = copyOf(LINUS, m.iCalUId)!;
    expect((await g.graph('DELETE', `/me/events/${copy.id}`, { token: tokens[LINUS] })).status).toBe(204);
    expect(await summary(ADA, m.iCalUId)).toEqual(['request/newMeetingRequest@sentitems']);

    expect((await g.graph('DELETE', `/me/events/${m.id}`, { token: tokens[ADA] })).status).toBe(204);
    expect(await summary(GRACE, m.iCalUId)).toEqual([
      'request/newMeetingRequest@inbox',
      'cancellation@inbox',
    ]);
    const graphCopy = await g.graph('GET', `/me/events/${copyOf(GRACE, m.iCalUId)!.id}`, {
      token: tokens[GRACE],
    });
    expect(graphCopy.json).toMatchObject({ isCancelled: true, subject: `Canceled: ${m.subject}` });
    const [, cancellation] = await messagesAbout(GRACE, m.iCalUId);
    const message = await g.graph('GET', `/me/messages/${cancellation.id}`, { token: tokens[GRACE] });
    assertGraphEntity('eventMessage', message.json);
    expect(message.json).toMatchObject({
      '@odata.type': '#microsoft.graph.eventMessage',
      meetingMessageType: 'meetingCancelled',
    });
  });

  it('POST /events/{id}/cancel lets the organizer cancel with a comment, and refuses an attendee', async () => {
    const m = await createMeeting([GRACE]);
    const refused = await action(GRACE, copyOf(GRACE, m.iCalUId)!.id, 'cancel', { comment: 'no' });
    expect(refused.status).toBe(400);
    const cancelled = await action(ADA, m.id, 'cancel', { comment: 'Postponed to next quarter.' });
    expect(cancelled.status, cancelled.text).toBe(202);
    // The cancelled meeting left the organizer's calendar for Deleted Items.
    const deletedItems = store().distinguishedFolder(mailboxId(ADA), 'deleteditems')!.id;
    expect(store().item(mailboxId(ADA), m.id)?.folderId).toBe(deletedItems);
    const [, cancellation] = await messagesAbout(GRACE, m.iCalUId);
    expect(cancellation.type).toBe('cancellation');
    const message = await g.graph('GET', `/me/messages/${cancellation.id}`, { token: tokens[GRACE] });
    expect(message.json.body.content).toContain('Postponed to next quarter.');
  });
});

describe('responses: accept, tentativelyAccept, decline', () => {
  it('accept answers the organizer, whose event then shows the attendee as accepted (in Graph and EWS)', async () => {
    const m = await createMeeting([GRACE, LINUS]);
    const copy = copyOf(GRACE, m.iCalUId)!;
    const accepted = await action(GRACE, copy.id, 'accept', { comment: 'Gladly', sendResponse: true });
    expect(accepted.status, accepted.text).toBe(202);
    expect(await summary(ADA, m.iCalUId)).toEqual(['request/newMeetingRequest@sentitems', 'accepted@inbox']);
    expect(await summary(GRACE, m.iCalUId)).toEqual([
      'request/newMeetingRequest@deleteditems',
      'accepted@sentitems',
    ]);

    const mine = await g.graph('GET', `/me/events/${copy.id}`, { token: tokens[GRACE] });
    expect(mine.json).toMatchObject({ responseStatus: { response: 'accepted' }, showAs: 'busy' });
    const organizer = await g.graph('GET', `/me/events/${m.id}`, { token: tokens[ADA] });
    const statuses = Object.fromEntries(
      organizer.json.attendees.map(
        (a: { emailAddress: { address: string }; status: { response: string } }) => [
          a.emailAddress.address,
          a.status.response,
        ],
      ),
    );
    expect(statuses).toEqual({ [GRACE]: 'accepted', [LINUS]: 'none' });
    const [, response] = await messagesAbout(ADA, m.iCalUId);
    const message = await g.graph('GET', `/me/messages/${response.id}`, { token: tokens[ADA] });
    assertGraphEntity('eventMessageResponse', message.json);
    expect(message.json).toMatchObject({
      '@odata.type': '#microsoft.graph.eventMessageResponse',
      meetingMessageType: 'meetingAccepted',
      responseType: 'accepted',
      subject: `Accepted: ${m.subject}`,
    });

    const ews = new EwsTestClient(g.sandbox.url, basic(ADA, 'Passw0rd!'));
    const answer = await ews.call(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${m.id}"/></m:ItemIds></m:GetItem>`,
    );
    const attendees = descendant(
      firstMessage(answer),
      'Items',
      'CalendarItem',
      'RequiredAttendees',
    )!.children;
    expect(attendees.map((a) => descendant(a, 'ResponseType')?.text)).toEqual(['Accept', 'Unknown']);
    expect(responseCode(firstMessage(answer))).toBe('NoError');
    await ews.recorder.expectAllValid();
  });

  it('tentativelyAccept with sendResponse false answers only on the attendee’s copy', async () => {
    const m = await createMeeting([LINUS]);
    const copy = copyOf(LINUS, m.iCalUId)!;
    const answer = await action(LINUS, copy.id, 'tentativelyAccept', { sendResponse: false });
    expect(answer.status, answer.text).toBe(202);
    expect(copyOf(LINUS, m.iCalUId)!.data.attendees[0].response).toBe('tentativelyAccepted');
    expect(await summary(ADA, m.iCalUId)).toEqual(['request/newMeetingRequest@sentitems']);
    const organizer = store().item(mailboxId(ADA), m.id) as Item<'event'>;
    expect(organizer.data.attendees[0].response).toBe('none');
  });

  it('decline moves the attendee’s copy to Deleted Items and tells the organizer', async () => {
    const m = await createMeeting([GRACE]);
    const copy = copyOf(GRACE, m.iCalUId)!;
    expect((await action(GRACE, copy.id, 'decline', { comment: 'On leave' })).status).toBe(202);
    expect(copyOf(GRACE, m.iCalUId)).toBeUndefined();
    const deletedItems = store().distinguishedFolder(mailboxId(GRACE), 'deleteditems')!.id;
    expect(store().item(mailboxId(GRACE), copy.id)?.folderId).toBe(deletedItems);
    expect(await summary(ADA, m.iCalUId)).toEqual(['request/newMeetingRequest@sentitems', 'declined@inbox']);
    const organizer = await g.graph('GET', `/me/events/${m.id}`, { token: tokens[ADA] });
    expect(organizer.json.attendees[0].status.response).toBe('declined');
  });

  it('refuses a response from the organizer and an unknown parameter', async () => {
    const m = await createMeeting([GRACE]);
    const own = await action(ADA, m.id, 'accept', {});
    expect(own.status).toBe(400);
    expect(own.json.error.code).toBe('ErrorInvalidRequest');
    const odd = await action(GRACE, copyOf(GRACE, m.iCalUId)!.id, 'accept', { colour: 'blue' });
    expect(odd.status).toBe(400);
  });
});

describe('reading events with delta on v1.0', () => {
  const window = 'startDateTime=2027-06-01T00:00:00Z&endDateTime=2027-07-01T00:00:00Z';

  async function deltaRound(url: string, token: string, pageSize: number) {
    const ids: string[] = [];
    let next: string | undefined = url;
    let deltaLink: string | undefined;
    let pages = 0;
    while (next) {
      const page = await g.graph('GET', next.replace(/^.*\/v1\.0/, ''), {
        token,
        headers: { Prefer: `odata.maxpagesize=${pageSize}` },
      });
      expect(page.status, page.text).toBe(200);
      pages++;
      for (const v of page.json.value) ids.push(v['@removed'] ? `-${v.id}` : v.subject);
      next = page.json['@odata.nextLink'];
      deltaLink = page.json['@odata.deltaLink'];
    }
    return { ids, deltaLink: deltaLink!, pages };
  }

  it('an attendee’s calendarView/delta shows the copy once invited, nothing for the organizer’s personal changes, and the update once sent', async () => {
    const view = 'startDateTime=2027-08-01T00:00:00Z&endDateTime=2027-09-01T00:00:00Z';
    const start = await deltaRound(`/me/calendarView/delta?${view}`, tokens[LINUS], 50);
    const m = await createMeeting([LINUS], {
      start: { dateTime: '2027-08-10T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2027-08-10T11:00:00', timeZone: 'UTC' },
    });
    const invited = await deltaRound(start.deltaLink, tokens[LINUS], 50);
    expect(invited.ids).toEqual([m.subject]);
    expect((await patch(m.id, { isReminderOn: false })).status).toBe(200);
    const quiet = await deltaRound(invited.deltaLink, tokens[LINUS], 50);
    expect(quiet.ids).toEqual([]);
    expect((await patch(m.id, { subject: `${m.subject} v2` })).status).toBe(200);
    const updated = await deltaRound(quiet.deltaLink, tokens[LINUS], 50);
    expect(updated.ids).toEqual([`${m.subject} v2`]);
  });

  it('calendarView/delta on a calendar other than the primary one pages to a deltaLink and then reports changes', async () => {
    const calendar = await g.graph('POST', '/me/calendars', {
      token: tokens[GRACE],
      body: { name: 'Projects' },
    });
    expect(calendar.status).toBe(201);
    const calendarId = calendar.json.id;
    for (const day of ['03', '04', '05']) {
      const created = await g.graph('POST', `/me/calendars/${calendarId}/events`, {
        token: tokens[GRACE],
        body: {
          subject: `Project ${day}`,
          start: { dateTime: `2027-06-${day}T09:00:00`, timeZone: 'UTC' },
          end: { dateTime: `2027-06-${day}T10:00:00`, timeZone: 'UTC' },
        },
      });
      expect(created.status).toBe(201);
    }
    const first = await deltaRound(
      `/me/calendars/${calendarId}/calendarView/delta?${window}`,
      tokens[GRACE],
      2,
    );
    expect(first.ids).toEqual(['Project 03', 'Project 04', 'Project 05']);
    expect(first.pages).toBe(2);
    // The primary calendar's view does not hold them.
    const primary = await deltaRound(`/me/calendarView/delta?${window}`, tokens[GRACE], 50);
    expect(primary.ids.filter((s) => s.startsWith('Project'))).toEqual([]);

    const moved = await g.graph('POST', `/me/calendars/${calendarId}/events`, {
      token: tokens[GRACE],
      body: {
        subject: 'Project 20',
        start: { dateTime: '2027-06-20T09:00:00', timeZone: 'UTC' },
        end: { dateTime: '2027-06-20T10:00:00', timeZone: 'UTC' },
      },
    });
    expect(moved.status).toBe(201);
    const again = await deltaRound(first.deltaLink, tokens[GRACE], 10);
    expect(again.ids).toEqual(['Project 20']);
    // A token is bound to its calendar.
    const token = new URL(first.deltaLink).searchParams.get('$deltatoken')!;
    const elsewhere = await g.graph(
      'GET',
      `/me/calendarView/delta?$deltatoken=${encodeURIComponent(token)}`,
      {
        token: tokens[GRACE],
      },
    );
    expect(elsewhere.status).toBe(410);
  });

  it('events/delta without a time window is refused on v1.0, as calendarView/delta is (the unwindowed form is beta only)', async () => {
    for (const path of ['/me/events/delta', '/me/calendar/events/delta']) {
      const answer = await g.graph('GET', path, { token: tokens[GRACE] });
      expect(answer.status, path).toBe(400);
      expect(answer.json.error.code).toBe('ErrorInvalidParameter');
      expect(answer.json.error.message).toMatch(/StartDateTime and EndDateTime/);
    }
  });
});
