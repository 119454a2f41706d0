// Meetings over EWS as Exchange handles them: SendMeetingInvitations,
// SendMeetingInvitationsOrCancellations and SendMeetingCancellations decide which requests,
// updates and cancellations reach the attendees (and Sent Items); attendee copies share the
// organizer's UID and change only when the organizer sends; AcceptItem, TentativelyAcceptItem
// and DeclineItem answer the organizer. Each behaviour is checked through EWS and through Graph,
// and the messages are counted with the admin API.

import type { MeetingMessagesReport } from '@exsync/sandbox';
import type { Item } from '@exsync/sandbox/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basic,
  descendant,
  EwsTestClient,
  faultCode,
  firstMessage,
  responseCode,
} from '../support/ews-soap.ts';
import { type GraphSandbox, startGraphSandbox } from '../support/graph-sandbox.ts';

const ADA = 'ada@example.test';
const GRACE = 'grace@example.test';
const LINUS = 'linus@example.test';

let g: GraphSandbox;
let ews: Record<string, EwsTestClient>;
let tokens: Record<string, string>;
let subjectSeq = 0;

beforeAll(async () => {
  g = await startGraphSandbox();
  const recorder = new EwsTestClient(g.sandbox.url, basic(ADA, 'Passw0rd!')).recorder;
  ews = Object.fromEntries(
    [ADA, GRACE, LINUS].map((a) => [a, new EwsTestClient(g.sandbox.url, basic(a, 'Passw0rd!'), recorder)]),
  );
  tokens = Object.fromEntries([ADA, GRACE, LINUS].map((a) => [a, g.userToken(a)]));
});
afterAll(async () => {
  await g?.close();
  await ews?.[ADA].recorder.expectAllValid();
}, 60_000);

const store = () => g.sandbox.store;
const mailboxId = (address: string) => store().mailbox(address)!.id;

function attendeesXml(list: string, addresses: string[]): string {
  if (addresses.length === 0) return '';
  const each = addresses.map(
    (a) => `<t:Attendee><t:Mailbox><t:EmailAddress>${a}</t:EmailAddress></t:Mailbox></t:Attendee>`,
  );
  return `<t:${list}>${each.join('')}</t:${list}>`;
}

interface Meeting {
  id: string;
  changeKey: string;
  uid: string;
  subject: string;
}

async function createMeeting(mode: string, attendees: string[], extra = ''): Promise<Meeting> {
  const subject = `Meeting ${++subjectSeq} ${mode}`;
  const answer = await ews[ADA].call(
    `<m:CreateItem SendMeetingInvitations="${mode}"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items>` +
      `<t:CalendarItem><t:Subject>${subject}</t:Subject><t:Start>2026-09-${String(10 + subjectSeq).padStart(2, '0')}T12:00:00Z</t:Start>` +
      `<t:End>2026-09-${String(10 + subjectSeq).padStart(2, '0')}T13:00:00Z</t:End><t:Location>Room 1</t:Location>` +
      `${attendeesXml('RequiredAttendees', attendees)}${extra}</t:CalendarItem></m:Items></m:CreateItem>`,
  );
  const message = firstMessage(answer);
  expect(responseCode(message), answer.text).toBe('NoError');
  const id = descendant(message, 'Items', 'CalendarItem', 'ItemId')!;
  const item = store().item(mailboxId(ADA), id.attrs.Id) as Item<'event'>;
  return { id: id.attrs.Id, changeKey: id.attrs.ChangeKey, uid: item.data.iCalUId, subject };
}

/** The meeting messages about `uid` in a mailbox, from the admin API. */
type MeetingMessageSummary = MeetingMessagesReport['messages'][number];

async function messagesAbout(address: string, uid: string): Promise<MeetingMessageSummary[]> {
  const report = await g.sandbox.admin.meetingMessages(address);
  return report.messages.filter((m) => m.iCalUId === uid);
}

/** `type/requestType@folder` for each message about `uid`, for compact assertions. */
async function summary(address: string, uid: string): Promise<string[]> {
  return (await messagesAbout(address, uid)).map(
    (m) => `${m.type}${m.requestType ? `/${m.requestType}` : ''}@${m.folder}`,
  );
}

/** The calendar item for `uid` in the mailbox's calendars (not in Deleted Items). */
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

async function getItem(address: string, itemId: string, shape = 'AllProperties') {
  const answer = await ews[address].call(
    `<m:GetItem><m:ItemShape><t:BaseShape>${shape}</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${itemId}"/></m:ItemIds></m:GetItem>`,
  );
  const message = firstMessage(answer);
  expect(responseCode(message), answer.text).toBe('NoError');
  return descendant(message, 'Items')!.children[0];
}

async function update(meeting: Meeting, mode: string, updates: string) {
  const current = store().item(mailboxId(ADA), meeting.id)!;
  const answer = await ews[ADA].call(
    `<m:UpdateItem ConflictResolution="AutoResolve" SendMeetingInvitationsOrCancellations="${mode}"><m:ItemChanges><t:ItemChange>` +
      `<t:ItemId Id="${meeting.id}" ChangeKey="${current.changeKey}"/><t:Updates>${updates}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
  );
  expect(responseCode(firstMessage(answer)), answer.text).toBe('NoError');
}

const setLocation = (location: string) =>
  `<t:SetItemField><t:FieldURI FieldURI="calendar:Location"/><t:CalendarItem><t:Location>${location}</t:Location></t:CalendarItem></t:SetItemField>`;
const setSubject = (subject: string) =>
  `<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>${subject}</t:Subject></t:CalendarItem></t:SetItemField>`;

async function respond(
  address: string,
  kind: 'AcceptItem' | 'TentativelyAcceptItem' | 'DeclineItem',
  referenceId: string,
  disposition = 'SendAndSaveCopy',
) {
  const answer = await ews[address].call(
    `<m:CreateItem MessageDisposition="${disposition}"><m:Items><t:${kind}><t:Body BodyType="Text">See you there</t:Body>` +
      `<t:ReferenceItemId Id="${referenceId}"/></t:${kind}></m:Items></m:CreateItem>`,
  );
  return firstMessage(answer);
}

describe('SendMeetingInvitations on CreateItem', () => {
  it('MS-OXWSMTGS_R4400, MS-OXWSMTGS_R4401: SendToNone saves the meeting in the organizer’s calendar and sends nothing', async () => {
    const m = await createMeeting('SendToNone', [GRACE, LINUS]);
    expect(await summary(ADA, m.uid)).toEqual([]);
    expect(await summary(GRACE, m.uid)).toEqual([]);
    expect(copyOf(GRACE, m.uid)).toBeUndefined();
    const organizer = await getItem(ADA, m.id);
    expect(descendant(organizer, 'IsMeeting')?.text).toBe('true');
    expect(descendant(organizer, 'IsOrganizer')?.text).toBe('true');
    expect(descendant(organizer, 'MeetingRequestWasSent')?.text).toBe('false');
  });

  it('MS-OXWSMTGS_R4600, MS-OXWSMTGS_R4601, MS-OXWSMTGS_R4602: SendOnlyToAll puts a request in each attendee’s Inbox and no copy in Sent Items; SendToAllAndSaveCopy saves one', async () => {
    const only = await createMeeting('SendOnlyToAll', [GRACE, LINUS]);
    expect(await summary(GRACE, only.uid)).toEqual(['request/newMeetingRequest@inbox']);
    expect(await summary(LINUS, only.uid)).toEqual(['request/newMeetingRequest@inbox']);
    expect(await summary(ADA, only.uid)).toEqual([]);
    const saved = await createMeeting('SendToAllAndSaveCopy', [GRACE]);
    expect(await summary(GRACE, saved.uid)).toEqual(['request/newMeetingRequest@inbox']);
    expect(await summary(ADA, saved.uid)).toEqual(['request/newMeetingRequest@sentitems']);
    const counts = (await g.sandbox.admin.meetingMessages(ADA)).counts;
    expect(counts.requests).toBeGreaterThanOrEqual(1);
  });

  it('delivers a MeetingRequest (IPM.Schedule.Meeting.Request) with the UID, and an attendee copy with the same UID, IsOrganizer false and no response yet — in EWS and in Graph', async () => {
    const m = await createMeeting('SendToAllAndSaveCopy', [GRACE]);
    const [request] = await messagesAbout(GRACE, m.uid);
    const requestXml = await getItem(GRACE, request.id);
    expect(requestXml.name).toBe('MeetingRequest');
    expect(descendant(requestXml, 'ItemClass')?.text).toBe('IPM.Schedule.Meeting.Request');
    expect(descendant(requestXml, 'UID')?.text).toBe(m.uid);
    expect(descendant(requestXml, 'MeetingRequestType')?.text).toBe('NewMeetingRequest');
    expect(descendant(requestXml, 'IntendedFreeBusyStatus')?.text).toBe('Busy');

    const copy = copyOf(GRACE, m.uid)!;
    expect(copy.folderId).toBe(store().distinguishedFolder(mailboxId(GRACE), 'calendar')!.id);
    const copyXml = await getItem(GRACE, copy.id);
    expect(descendant(copyXml, 'UID')?.text).toBe(m.uid);
    expect(descendant(copyXml, 'IsOrganizer')?.text).toBe('false');
    expect(descendant(copyXml, 'MyResponseType')?.text).toBe('NoResponseReceived');
    expect(descendant(copyXml, 'LegacyFreeBusyStatus')?.text).toBe('Tentative');
    expect(descendant(copyXml, 'Organizer', 'Mailbox', 'EmailAddress')?.text).toBe(ADA);
    const organizerXml = await getItem(ADA, m.id);
    expect(descendant(organizerXml, 'MyResponseType')?.text).toBe('Organizer');

    const graphCopy = await g.graph('GET', `/me/events/${copy.id}`, { token: tokens[GRACE] });
    expect(graphCopy.json).toMatchObject({
      iCalUId: m.uid,
      isOrganizer: false,
      responseStatus: { response: 'notResponded' },
      organizer: { emailAddress: { address: ADA } },
    });
    // Graph v1.0 has no `uid` on event (it is beta only): iCalUId is the shared UID there.
    expect(graphCopy.json).not.toHaveProperty('uid');
    const graphOrganizer = await g.graph('GET', `/me/events/${m.id}`, { token: tokens[ADA] });
    expect(graphOrganizer.json).toMatchObject({
      iCalUId: m.uid,
      isOrganizer: true,
      responseStatus: { response: 'organizer' },
    });
    const graphRequest = await g.graph('GET', `/me/messages/${request.id}`, { token: tokens[GRACE] });
    expect(graphRequest.json).toMatchObject({
      '@odata.type': '#microsoft.graph.eventMessageRequest',
      meetingMessageType: 'meetingRequest',
      meetingRequestType: 'newMeetingRequest',
    });
  });

  it('refuses a SendMeetingInvitations value the schema does not allow', async () => {
    const answer = await ews[ADA].call(
      '<m:CreateItem SendMeetingInvitations="SendOnlyToChanged"><m:Items><t:CalendarItem><t:Subject>x</t:Subject>' +
        '<t:Start>2026-09-01T12:00:00Z</t:Start><t:End>2026-09-01T13:00:00Z</t:End></t:CalendarItem></m:Items></m:CreateItem>',
      { record: false },
    );
    expect(faultCode(answer)).toBe('ErrorSchemaValidation');
  });
});

describe('SendMeetingInvitationsOrCancellations on UpdateItem', () => {
  it('MS-OXWSMTGS_R6000, MS-OXWSMTGS_R6100: SendToNone changes the organizer’s copy only; a later SendToAllAndSaveCopy brings the attendee’s copy up to date with a FullUpdate', async () => {
    const m = await createMeeting('SendToAllAndSaveCopy', [GRACE]);
    await update(m, 'SendToNone', setLocation('Board room'));
    expect((store().item(mailboxId(ADA), m.id) as Item<'event'>).data.location).toBe('Board room');
    expect(copyOf(GRACE, m.uid)!.data.location).toBe('Room 1');
    expect(await summary(GRACE, m.uid)).toEqual(['request/newMeetingRequest@inbox']);
    const graphCopy = await g.graph('GET', `/me/events/${copyOf(GRACE, m.uid)!.id}`, {
      token: tokens[GRACE],
    });
    expect(graphCopy.json.location.displayName).toBe('Room 1');

    await update(m, 'SendToAllAndSaveCopy', setSubject(`${m.subject} (moved)`));
    expect(copyOf(GRACE, m.uid)!.data.location).toBe('Board room');
    expect(copyOf(GRACE, m.uid)!.data.subject).toBe(`${m.subject} (moved)`);
    expect(await summary(GRACE, m.uid)).toEqual([
      'request/newMeetingRequest@inbox',
      'request/informationalUpdate@inbox',
    ]);
    await update(m, 'SendOnlyToAll', setLocation('Room 9'));
    expect(await summary(GRACE, m.uid)).toEqual([
      'request/newMeetingRequest@inbox',
      'request/informationalUpdate@inbox',
      'request/fullUpdate@inbox',
    ]);
    expect(await summary(ADA, m.uid)).toEqual([
      'request/newMeetingRequest@sentitems',
      'request/informationalUpdate@sentitems',
    ]);
    const counts = (await g.sandbox.admin.meetingMessages(GRACE)).counts;
    expect(counts.updates).toBeGreaterThanOrEqual(2);
  });

  it('MS-OXWSMTGS_R6200, MS-OXWSMTGS_R6500: SendOnlyToChanged invites added attendees and cancels for removed ones, and leaves the others alone', async () => {
    const m = await createMeeting('SendOnlyToAll', [GRACE]);
    await update(
      m,
      'SendOnlyToChanged',
      `<t:AppendToItemField><t:FieldURI FieldURI="calendar:RequiredAttendees"/><t:CalendarItem>${attendeesXml('RequiredAttendees', [LINUS])}</t:CalendarItem></t:AppendToItemField>`,
    );
    expect(await summary(LINUS, m.uid)).toEqual(['request/newMeetingRequest@inbox']);
    expect(await summary(GRACE, m.uid)).toEqual(['request/newMeetingRequest@inbox']);
    await update(
      m,
      'SendToChangedAndSaveCopy',
      `<t:SetItemField><t:FieldURI FieldURI="calendar:RequiredAttendees"/><t:CalendarItem>${attendeesXml('RequiredAttendees', [LINUS])}</t:CalendarItem></t:SetItemField>`,
    );
    expect(await summary(GRACE, m.uid)).toEqual(['request/newMeetingRequest@inbox', 'cancellation@inbox']);
    expect(await summary(LINUS, m.uid)).toEqual(['request/newMeetingRequest@inbox']);
    expect(await summary(ADA, m.uid)).toEqual(['cancellation@sentitems']);
    expect(copyOf(GRACE, m.uid)!.data).toMatchObject({
      isCancelled: true,
      subject: `Canceled: ${m.subject}`,
    });
    expect(copyOf(LINUS, m.uid)!.data.isCancelled).toBe(false);
  });

  it('refuses a SendMeetingInvitationsOrCancellations value the schema does not allow', async () => {
    const m = await createMeeting('SendToNone', [GRACE]);
    const answer = await ews[ADA].call(
      `<m:UpdateItem ConflictResolution="AutoResolve" SendMeetingInvitationsOrCancellations="SendToEveryone"><m:ItemChanges><t:ItemChange>` +
        `<t:ItemId Id="${m.id}"/><t:Updates>${setLocation('x')}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
      { record: false },
    );
    expect(faultCode(answer)).toBe('ErrorSchemaValidation');
  });
});

describe('responses: AcceptItem, TentativelyAcceptItem, DeclineItem', () => {
  it('MS-OXWSMTGS_R132: AcceptItem on the request sends an acceptance; the organizer’s copy records it and the attendee’s copy shows Accept', async () => {
    const m = await createMeeting('SendToAllAndSaveCopy', [GRACE, LINUS]);
    const [request] = await messagesAbout(GRACE, m.uid);
    const answer = await respond(GRACE, 'AcceptItem', request.id);
    expect(responseCode(answer)).toBe('NoError');
    expect(descendant(answer, 'Items', 'CalendarItem', 'ItemId')?.attrs.Id).toBe(copyOf(GRACE, m.uid)!.id);

    expect(await summary(ADA, m.uid)).toEqual(['request/newMeetingRequest@sentitems', 'accepted@inbox']);
    expect(await summary(GRACE, m.uid)).toEqual([
      'request/newMeetingRequest@deleteditems',
      'accepted@sentitems',
    ]);
    const [, acceptance] = await messagesAbout(ADA, m.uid);
    const acceptanceXml = await getItem(ADA, acceptance.id);
    expect(acceptanceXml.name).toBe('MeetingResponse');
    expect(descendant(acceptanceXml, 'ItemClass')?.text).toBe('IPM.Schedule.Meeting.Resp.Pos');
    expect(descendant(acceptanceXml, 'ResponseType')?.text).toBe('Accept');
    expect(descendant(acceptanceXml, 'Subject')?.text).toBe(`Accepted: ${m.subject}`);

    const copyXml = await getItem(GRACE, copyOf(GRACE, m.uid)!.id);
    expect(descendant(copyXml, 'MyResponseType')?.text).toBe('Accept');
    expect(descendant(copyXml, 'LegacyFreeBusyStatus')?.text).toBe('Busy');
    const organizerXml = await getItem(ADA, m.id);
    const responses = Object.fromEntries(
      descendant(organizerXml, 'RequiredAttendees')!.children.map((a) => [
        descendant(a, 'Mailbox', 'EmailAddress')!.text,
        descendant(a, 'ResponseType')!.text,
      ]),
    );
    expect(responses).toEqual({ [GRACE]: 'Accept', [LINUS]: 'Unknown' });
    const graphOrganizer = await g.graph('GET', `/me/events/${m.id}`, { token: tokens[ADA] });
    expect(graphOrganizer.json.attendees).toContainEqual(
      expect.objectContaining({
        emailAddress: expect.objectContaining({ address: GRACE }),
        status: expect.objectContaining({ response: 'accepted' }),
      }),
    );
    const graphCopy = await g.graph('GET', `/me/events/${copyOf(GRACE, m.uid)!.id}`, {
      token: tokens[GRACE],
    });
    expect(graphCopy.json.responseStatus.response).toBe('accepted');
  });

  it('MS-OXWSMTGS_R394: TentativelyAcceptItem with SaveOnly answers on the attendee’s copy and keeps the response in Drafts; the organizer hears nothing', async () => {
    const m = await createMeeting('SendOnlyToAll', [LINUS]);
    const answer = await respond(LINUS, 'TentativelyAcceptItem', copyOf(LINUS, m.uid)!.id, 'SaveOnly');
    expect(responseCode(answer)).toBe('NoError');
    expect(copyOf(LINUS, m.uid)!.data.attendees.find((a) => a.email.address === LINUS)?.response).toBe(
      'tentativelyAccepted',
    );
    expect(await summary(LINUS, m.uid)).toEqual([
      'request/newMeetingRequest@deleteditems',
      'tentativelyAccepted@drafts',
    ]);
    expect(await summary(ADA, m.uid)).toEqual([]);
    const organizer = store().item(mailboxId(ADA), m.id) as Item<'event'>;
    expect(organizer.data.attendees.find((a) => a.email.address === LINUS)?.response).toBe('none');
  });

  it('MS-OXWSMTGS_R257: DeclineItem sends a decline and moves the attendee’s copy to Deleted Items', async () => {
    const m = await createMeeting('SendOnlyToAll', [GRACE]);
    const answer = await respond(GRACE, 'DeclineItem', copyOf(GRACE, m.uid)!.id, 'SendOnly');
    expect(responseCode(answer)).toBe('NoError');
    expect(descendant(answer, 'Items')?.children).toEqual([]);
    const copy = copyOf(GRACE, m.uid);
    // The copy left the calendars: only Deleted Items holds it now.
    expect(copy).toBeUndefined();
    const deleted = store().items(
      mailboxId(GRACE),
      store().distinguishedFolder(mailboxId(GRACE), 'deleteditems')!.id,
    );
    expect(deleted.some((i) => i.kind === 'event' && i.data.iCalUId === m.uid)).toBe(true);
    expect(await summary(ADA, m.uid)).toEqual(['declined@inbox']);
    expect(await summary(GRACE, m.uid)).toEqual(['request/newMeetingRequest@deleteditems']);
    const organizer = store().item(mailboxId(ADA), m.id) as Item<'event'>;
    expect(organizer.data.attendees[0].response).toBe('declined');
  });

  it('MS-OXWSMTGS_R1342: refuses a response from the organizer, to a cancelled meeting, and without MessageDisposition', async () => {
    const m = await createMeeting('SendOnlyToAll', [GRACE]);
    expect(responseCode(await respond(ADA, 'AcceptItem', m.id))).toBe('ErrorCalendarIsOrganizerForAccept');
    expect(responseCode(await respond(ADA, 'DeclineItem', m.id))).toBe('ErrorCalendarIsOrganizerForDecline');
    const noDisposition = await ews[GRACE].call(
      `<m:CreateItem><m:Items><t:AcceptItem><t:ReferenceItemId Id="${copyOf(GRACE, m.uid)!.id}"/></t:AcceptItem></m:Items></m:CreateItem>`,
    );
    expect(responseCode(firstMessage(noDisposition))).toBe('ErrorMessageDispositionRequired');
    const del = await ews[ADA].call(
      `<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendOnlyToAll"><m:ItemIds><t:ItemId Id="${m.id}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(responseCode(firstMessage(del))).toBe('NoError');
    expect(responseCode(await respond(GRACE, 'AcceptItem', copyOf(GRACE, m.uid)!.id))).toBe(
      'ErrorCalendarIsCancelledForAccept',
    );
  });
});

describe('SendMeetingCancellations on DeleteItem', () => {
  it('MS-OXWSMTGS_R45, MS-OXWSMTGS_R4500: SendToNone deletes the organizer’s meeting without telling anyone; the attendee’s copy stays as it was', async () => {
    const m = await createMeeting('SendOnlyToAll', [GRACE]);
    const del = await ews[ADA].call(
      `<m:DeleteItem DeleteType="HardDelete" SendMeetingCancellations="SendToNone"><m:ItemIds><t:ItemId Id="${m.id}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(responseCode(firstMessage(del))).toBe('NoError');
    expect(await summary(GRACE, m.uid)).toEqual(['request/newMeetingRequest@inbox']);
    expect(copyOf(GRACE, m.uid)!.data.isCancelled).toBe(false);
  });

  it('MS-OXWSMTGS_R49: SendToAllAndSaveCopy cancels for every attendee: a MeetingCancellation in the Inbox, the copy marked cancelled', async () => {
    const m = await createMeeting('SendOnlyToAll', [GRACE, LINUS]);
    const del = await ews[ADA].call(
      `<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToAllAndSaveCopy"><m:ItemIds><t:ItemId Id="${m.id}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(responseCode(firstMessage(del))).toBe('NoError');
    expect(await summary(ADA, m.uid)).toEqual(['cancellation@sentitems']);
    for (const attendee of [GRACE, LINUS]) {
      expect(await summary(attendee, m.uid)).toEqual([
        'request/newMeetingRequest@inbox',
        'cancellation@inbox',
      ]);
      const copyXml = await getItem(attendee, copyOf(attendee, m.uid)!.id);
      expect(descendant(copyXml, 'IsCancelled')?.text).toBe('true');
      expect(descendant(copyXml, 'Subject')?.text).toBe(`Canceled: ${m.subject}`);
    }
    const [, cancellation] = await messagesAbout(GRACE, m.uid);
    const cancellationXml = await getItem(GRACE, cancellation.id);
    expect(cancellationXml.name).toBe('MeetingCancellation');
    expect(descendant(cancellationXml, 'ItemClass')?.text).toBe('IPM.Schedule.Meeting.Canceled');
    const graphCopy = await g.graph('GET', `/me/events/${copyOf(GRACE, m.uid)!.id}`, {
      token: tokens[GRACE],
    });
    expect(graphCopy.json.isCancelled).toBe(true);
  });

  it('MS-OXWSMTGS_R4700: deleting one occurrence with SendOnlyToAll cancels that occurrence in the attendees’ copies', async () => {
    const m = await createMeeting(
      'SendOnlyToAll',
      [GRACE],
      '<t:Recurrence><t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:StartDate>2026-09-01</t:StartDate><t:NumberOfOccurrences>3</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>',
    );
    const organizer = store().item(mailboxId(ADA), m.id) as Item<'event'>;
    const del = await ews[ADA].call(
      `<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendOnlyToAll"><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${m.id}" InstanceIndex="2"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(responseCode(firstMessage(del))).toBe('NoError');
    const after = store().item(mailboxId(ADA), m.id) as Item<'event'>;
    expect(after.data.deletedOccurrences).toHaveLength(1);
    expect(copyOf(GRACE, m.uid)!.data.deletedOccurrences).toEqual(after.data.deletedOccurrences);
    expect(copyOf(GRACE, m.uid)!.data.isCancelled).toBe(false);
    expect(organizer.data.deletedOccurrences).toEqual([]);
    expect(await summary(GRACE, m.uid)).toEqual(['request/newMeetingRequest@inbox', 'cancellation@inbox']);
  });
});

describe('CancelCalendarItem', () => {
  it('the organizer cancels with a note: a MeetingCancellation to every attendee, a copy in Sent Items, the meeting in Deleted Items; an attendee may not', async () => {
    const m = await createMeeting('SendOnlyToAll', [GRACE]);
    const cancel = (address: string, id: string) =>
      ews[address].call(
        '<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:CancelCalendarItem>' +
          `<t:ReferenceItemId Id="${id}"/><t:NewBodyContent BodyType="Text">Postponed.</t:NewBodyContent>` +
          '</t:CancelCalendarItem></m:Items></m:CreateItem>',
      );
    const refused = firstMessage(await cancel(GRACE, copyOf(GRACE, m.uid)!.id));
    expect(responseCode(refused)).toBe('ErrorCalendarIsNotOrganizer');
    const done = firstMessage(await cancel(ADA, m.id));
    expect(responseCode(done)).toBe('NoError');
    expect(await summary(GRACE, m.uid)).toEqual(['request/newMeetingRequest@inbox', 'cancellation@inbox']);
    expect(await summary(ADA, m.uid)).toEqual(['cancellation@sentitems']);
    expect(copyOf(GRACE, m.uid)!.data.isCancelled).toBe(true);
    const deletedItems = store().distinguishedFolder(mailboxId(ADA), 'deleteditems')!.id;
    expect(store().item(mailboxId(ADA), m.id)?.folderId).toBe(deletedItems);
    const [, cancellation] = await messagesAbout(GRACE, m.uid);
    expect(store().item(mailboxId(GRACE), cancellation.id)).toMatchObject({
      data: { body: { content: 'Postponed.' } },
    });
  });
});

describe('what an attendee’s sync reads', () => {
  /** One SyncFolderItems round (IdOnly) to the end: the changes as `Create:id`, `Update:id`, `Delete:id`. */
  async function syncRound(address: string, folder: string, state: string | undefined) {
    const changes: Array<{ kind: string; element: string; id: string }> = [];
    let syncState = state;
    for (;;) {
      const answer = await ews[address].call(
        `<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="${folder}"/></m:SyncFolderId>` +
          `${syncState ? `<m:SyncState>${syncState}</m:SyncState>` : ''}<m:MaxChangesReturned>512</m:MaxChangesReturned></m:SyncFolderItems>`,
      );
      const message = firstMessage(answer);
      expect(responseCode(message), answer.text).toBe('NoError');
      for (const change of descendant(message, 'Changes')?.children ?? []) {
        const item = change.children.find((c) => c.name !== 'ItemId') ?? change;
        const id = descendant(item, 'ItemId') ?? descendant(change, 'ItemId');
        changes.push({ kind: change.name, element: item.name, id: id?.attrs.Id ?? '' });
      }
      syncState = descendant(message, 'SyncState')?.text;
      if (descendant(message, 'IncludesLastItemInRange')?.text === 'true') break;
    }
    return { changes, state: syncState };
  }

  it('SyncFolderItems (IdOnly) then GetItem: the copy carries UID, recurrence, modified and deleted occurrences and time zones; a SendToNone update leaves nothing to sync', async () => {
    const series =
      '<t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Tuesday</t:DaysOfWeek></t:WeeklyRecurrence>' +
      '<t:NumberedRecurrence><t:StartDate>2026-10-06</t:StartDate><t:NumberOfOccurrences>4</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>' +
      '<t:StartTimeZone Id="W. Europe Standard Time"/><t:EndTimeZone Id="W. Europe Standard Time"/>';
    const first = await syncRound(GRACE, 'calendar', undefined);
    const m = await createMeeting('SendToNone', [GRACE], series);
    const quiet = await syncRound(GRACE, 'calendar', first.state);
    expect(quiet.changes).toEqual([]);

    // The organizer moves the third occurrence and deletes the fourth, then sends the series.
    const master = store().item(mailboxId(ADA), m.id) as Item<'event'>;
    expect(master.data.recurrence).toBeDefined();
    const moved = await ews[ADA].call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange>` +
        `<t:OccurrenceItemId RecurringMasterId="${m.id}" InstanceIndex="3"/><t:Updates>${setLocation('Offsite')}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    expect(responseCode(firstMessage(moved))).toBe('NoError');
    const removed = await ews[ADA].call(
      `<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToNone"><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${m.id}" InstanceIndex="4"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(responseCode(firstMessage(removed))).toBe('NoError');
    expect((await syncRound(GRACE, 'calendar', first.state)).changes).toEqual([]);
    expect(descendant(await getItem(ADA, m.id), 'MeetingRequestWasSent')?.text).toBe('false');
    await update(m, 'SendToAllAndSaveCopy', setSubject(`${m.subject} (series)`));
    expect(descendant(await getItem(ADA, m.id), 'MeetingRequestWasSent')?.text).toBe('true');

    const round = await syncRound(GRACE, 'calendar', first.state);
    const copy = copyOf(GRACE, m.uid)!;
    expect(round.changes).toEqual([{ kind: 'Create', element: 'CalendarItem', id: copy.id }]);
    const paths = [
      'calendar:UID',
      'calendar:Recurrence',
      'calendar:ModifiedOccurrences',
      'calendar:DeletedOccurrences',
      'calendar:StartTimeZone',
      'calendar:EndTimeZone',
      'calendar:IsOrganizer',
      'calendar:MyResponseType',
    ];
    const answer = await ews[GRACE].call(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>${paths.map((p) => `<t:FieldURI FieldURI="${p}"/>`).join('')}</t:AdditionalProperties></m:ItemShape>` +
        `<m:ItemIds>${round.changes.map((c) => `<t:ItemId Id="${c.id}"/>`).join('')}</m:ItemIds></m:GetItem>`,
    );
    const item = descendant(firstMessage(answer), 'Items', 'CalendarItem')!;
    expect(descendant(item, 'UID')?.text).toBe(m.uid);
    expect(descendant(item, 'Recurrence', 'WeeklyRecurrence', 'DaysOfWeek')?.text).toBe('Tuesday');
    expect(descendant(item, 'ModifiedOccurrences')?.children).toHaveLength(1);
    expect(descendant(item, 'DeletedOccurrences')?.children).toHaveLength(1);
    expect(descendant(item, 'StartTimeZone')?.attrs.Id).toBe('W. Europe Standard Time');
    expect(descendant(item, 'IsOrganizer')?.text).toBe('false');
    expect(descendant(item, 'MyResponseType')?.text).toBe('NoResponseReceived');

    // The Inbox sync sees the request as a MeetingRequest.
    const inbox = await syncRound(GRACE, 'inbox', undefined);
    const [request] = await messagesAbout(GRACE, m.uid);
    expect(inbox.changes).toContainEqual({ kind: 'Create', element: 'MeetingRequest', id: request.id });
    const listed = await ews[GRACE].call(
      '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>' +
        '<m:IndexedPageItemView MaxEntriesReturned="200" Offset="0" BasePoint="Beginning"/>' +
        '<m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>',
    );
    const found = descendant(firstMessage(listed), 'RootFolder', 'Items')!.children.find(
      (i) => descendant(i, 'ItemId')?.attrs.Id === request.id,
    );
    expect(found?.name).toBe('MeetingRequest');
    expect(descendant(found, 'ItemClass')?.text).toBe('IPM.Schedule.Meeting.Request');
  });
});
