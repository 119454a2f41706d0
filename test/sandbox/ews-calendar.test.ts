// Calendar: recurring series, occurrences and exceptions, CalendarView, meetings between
// sandbox mailboxes, time zones, and GetUserAvailability.

import type { Item, Mailbox } from '@exsync/sandbox/model';
import type { RunningSandbox } from '@exsync/sandbox/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { ewsSandboxForFile } from '../support/ews-sandbox.ts';
import { all, descendant, type EwsTestClient, firstMessage, responseCode } from '../support/ews-soap.ts';

let sb: RunningSandbox;
let ews: EwsTestClient;
let ada: Mailbox;
let grace: Mailbox;
let calendarId: string;

ewsSandboxForFile((started) => {
  ({ sb, ews, ada, grace } = started);
});
beforeAll(() => {
  // An empty calendar of its own keeps the views predictable.
  calendarId = sb.store.createFolder(
    ada.id,
    {
      parentId: sb.store.distinguishedFolder(ada.id, 'calendar')!.id,
      displayName: 'Project',
      folderClass: 'IPF.Appointment',
    },
    'user',
  ).id;
});

async function createEvent(
  xml: string,
  invitations = 'SendToNone',
  folder = `<t:FolderId Id="${calendarId}"/>`,
  timeZone?: string,
) {
  const answer = await ews.call(
    `<m:CreateItem SendMeetingInvitations="${invitations}"><m:SavedItemFolderId>${folder}</m:SavedItemFolderId><m:Items>${xml}</m:Items></m:CreateItem>`,
    { timeZone },
  );
  const message = firstMessage(answer);
  expect(responseCode(message), answer.text).toBe('NoError');
  const id = all(message, 'ItemId')[0];
  return { id: id.attrs.Id, changeKey: id.attrs.ChangeKey };
}

function calendarView(start: string, end: string, max?: number, folder = `<t:FolderId Id="${calendarId}"/>`) {
  return ews
    .call(
      `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>` +
        `<m:CalendarView${max ? ` MaxEntriesReturned="${max}"` : ''} StartDate="${start}" EndDate="${end}"/>` +
        `<m:ParentFolderIds>${folder}</m:ParentFolderIds></m:FindItem>`,
    )
    .then(firstMessage);
}

const WEEKLY = `<t:CalendarItem><t:Subject>Stand-up</t:Subject><t:Body BodyType="Text">Daily sync</t:Body>
<t:Start>2026-03-23T09:00:00</t:Start><t:End>2026-03-23T09:30:00</t:End><t:Location>Room 1</t:Location>
<t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday Wednesday</t:DaysOfWeek><t:FirstDayOfWeek>Monday</t:FirstDayOfWeek></t:WeeklyRecurrence>
<t:NumberedRecurrence><t:StartDate>2026-03-23</t:StartDate><t:NumberOfOccurrences>6</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>
<t:StartTimeZone Id="W. Europe Standard Time"/><t:EndTimeZone Id="W. Europe Standard Time"/></t:CalendarItem>`;

describe('recurring series', () => {
  let master: { id: string; changeKey: string };

  it('MS-OXWSMTGS_R116, MS-OXWSMTGS_R249: CalendarView expands a weekly series across a DST change at 09:00 local', async () => {
    master = await createEvent(WEEKLY);
    const stored = sb.store.item(ada.id, master.id) as Item<'event'>;
    expect(stored.data.start).toBe('2026-03-23T08:00:00.000Z');
    expect(stored.data.startTimeZone).toBe('W. Europe Standard Time');
    const view = await calendarView('2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z');
    const items = all(view, 'CalendarItem');
    expect(items.map((i) => descendant(i, 'Start')!.text)).toEqual([
      '2026-03-23T08:00:00Z',
      '2026-03-25T08:00:00Z',
      // Summer time from 29 March: 09:00 in Berlin is 07:00 UTC.
      '2026-03-30T07:00:00Z',
      '2026-04-01T07:00:00Z',
      '2026-04-06T07:00:00Z',
      '2026-04-08T07:00:00Z',
    ]);
    expect(items.every((i) => descendant(i, 'CalendarItemType')!.text === 'Occurrence')).toBe(true);
    expect(descendant(view, 'RootFolder')!.attrs.TotalItemsInView).toBe('6');
  });

  it('honours CalendarView MaxEntriesReturned', async () => {
    const view = await calendarView('2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z', 2);
    expect(all(view, 'CalendarItem')).toHaveLength(2);
    expect(descendant(view, 'RootFolder')!.attrs.IncludesLastItemInRange).toBe('false');
  });

  it('MS-OXWSMTGS_R631, MS-OXWSMTGS_R181, MS-OXWSMTGS_R213, MS-OXWSMTGS_R215, MS-OXWSMTGS_R161: GetItem by OccurrenceItemId and RecurringMasterItemId', async () => {
    const occurrence = await ews.call(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${master.id}" InstanceIndex="3"/></m:ItemIds></m:GetItem>`,
    );
    const item = descendant(firstMessage(occurrence), 'Items', 'CalendarItem')!;
    expect(descendant(item, 'CalendarItemType')!.text).toBe('Occurrence');
    expect(descendant(item, 'Start')!.text).toBe('2026-03-30T07:00:00Z');
    const occurrenceId = descendant(item, 'ItemId')!.attrs.Id;
    const viaMaster = await ews.call(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:RecurringMasterItemId OccurrenceId="${occurrenceId}"/></m:ItemIds></m:GetItem>`,
    );
    const m = descendant(firstMessage(viaMaster), 'Items', 'CalendarItem')!;
    expect(descendant(m, 'ItemId')!.attrs.Id).toBe(master.id);
    expect(descendant(m, 'CalendarItemType')!.text).toBe('RecurringMaster');
    expect(descendant(m, 'FirstOccurrence', 'Start')!.text).toBe('2026-03-23T08:00:00Z');
    expect(descendant(m, 'LastOccurrence', 'Start')!.text).toBe('2026-04-08T07:00:00Z');
    const outOfRange = await ews.call(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${master.id}" InstanceIndex="7"/></m:ItemIds></m:GetItem>`,
    );
    expect(responseCode(firstMessage(outOfRange))).toBe('ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange');
  });

  it('MS-OXWSMTGS_R651, MS-OXWSMTGS_R620, MS-OXWSMTGS_R217, MS-OXWSMTGS_R219: updating an occurrence makes an exception, deleting one adds a deleted occurrence', async () => {
    const update = await ews.call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange>` +
        `<t:OccurrenceItemId RecurringMasterId="${master.id}" InstanceIndex="2"/><t:Updates>` +
        '<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>Stand-up (moved)</t:Subject></t:CalendarItem></t:SetItemField>' +
        '<t:SetItemField><t:FieldURI FieldURI="calendar:Start"/><t:CalendarItem><t:Start>2026-03-25T10:00:00Z</t:Start></t:CalendarItem></t:SetItemField>' +
        '<t:SetItemField><t:FieldURI FieldURI="calendar:End"/><t:CalendarItem><t:End>2026-03-25T10:30:00Z</t:End></t:CalendarItem></t:SetItemField>' +
        '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
    );
    expect(responseCode(firstMessage(update))).toBe('NoError');
    const del = await ews.call(
      `<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToNone"><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${master.id}" InstanceIndex="4"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(responseCode(firstMessage(del))).toBe('NoError');
    const stored = sb.store.item(ada.id, master.id) as Item<'event'>;
    expect(stored.data.deletedOccurrences).toEqual(['2026-04-01T07:00:00.000Z']);
    expect(stored.data.modifiedOccurrences).toHaveLength(1);

    const got = await ews.call(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${master.id}"/></m:ItemIds></m:GetItem>`,
    );
    const m = descendant(firstMessage(got), 'Items', 'CalendarItem')!;
    expect(descendant(m, 'ModifiedOccurrences', 'Occurrence', 'Start')!.text).toBe('2026-03-25T10:00:00Z');
    expect(descendant(m, 'ModifiedOccurrences', 'Occurrence', 'OriginalStart')!.text).toBe(
      '2026-03-25T08:00:00Z',
    );
    expect(descendant(m, 'DeletedOccurrences', 'DeletedOccurrence', 'Start')!.text).toBe(
      '2026-04-01T07:00:00Z',
    );

    const view = all(await calendarView('2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z'), 'CalendarItem');
    expect(view).toHaveLength(5);
    const exception = view.find((i) => descendant(i, 'CalendarItemType')!.text === 'Exception')!;
    expect(descendant(exception, 'Subject')!.text).toBe('Stand-up (moved)');
    expect(descendant(exception, 'Start')!.text).toBe('2026-03-25T10:00:00Z');
  });

  it("an exception keeps its own free/busy status and reminder: read from the occurrence, the series' elsewhere", async () => {
    const series = await createEvent(
      WEEKLY.replace(
        '<t:Start>',
        '<t:ReminderIsSet>true</t:ReminderIsSet><t:ReminderMinutesBeforeStart>15</t:ReminderMinutesBeforeStart><t:Start>',
      ),
    );
    const set = (uri: string, xml: string) =>
      `<t:SetItemField><t:FieldURI FieldURI="${uri}"/><t:CalendarItem>${xml}</t:CalendarItem></t:SetItemField>`;
    const update = await ews.call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange>` +
        `<t:OccurrenceItemId RecurringMasterId="${series.id}" InstanceIndex="2"/><t:Updates>` +
        set('item:ReminderIsSet', '<t:ReminderIsSet>false</t:ReminderIsSet>') +
        set('calendar:LegacyFreeBusyStatus', '<t:LegacyFreeBusyStatus>Free</t:LegacyFreeBusyStatus>') +
        '</t:Updates></t:ItemChange><t:ItemChange>' +
        `<t:OccurrenceItemId RecurringMasterId="${series.id}" InstanceIndex="3"/><t:Updates>` +
        set(
          'item:ReminderMinutesBeforeStart',
          '<t:ReminderMinutesBeforeStart>5</t:ReminderMinutesBeforeStart>',
        ) +
        '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
    );
    expect(all(update.body, 'ResponseCode').map((c) => c.text)).toEqual(['NoError', 'NoError']);
    const occurrence = async (index: number) => {
      const got = await ews.call(
        `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${series.id}" InstanceIndex="${index}"/></m:ItemIds></m:GetItem>`,
      );
      const item = descendant(firstMessage(got), 'Items', 'CalendarItem')!;
      return ['ReminderIsSet', 'ReminderMinutesBeforeStart', 'LegacyFreeBusyStatus'].map(
        (tag) => descendant(item, tag)?.text,
      );
    };
    expect(await occurrence(2)).toEqual(['false', '15', 'Free']);
    expect(await occurrence(3)).toEqual(['true', '5', 'Busy']);
    // The series and its other occurrences keep theirs.
    expect(await occurrence(1)).toEqual(['true', '15', 'Busy']);
    const master = await ews.call(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${series.id}"/></m:ItemIds></m:GetItem>`,
    );
    const m = descendant(firstMessage(master), 'Items', 'CalendarItem')!;
    expect(descendant(m, 'ReminderIsSet')!.text).toBe('true');
    expect(descendant(m, 'LegacyFreeBusyStatus')!.text).toBe('Busy');
    // An exception is an item of its own: read by its ItemId, it answers its own values.
    const ids = all(descendant(m, 'ModifiedOccurrences')!, 'ItemId').map((i) => i.attrs.Id);
    expect(ids).toHaveLength(2);
    const byId = await ews.call(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:ReminderIsSet"/><t:FieldURI FieldURI="calendar:LegacyFreeBusyStatus"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${ids[0]}"/></m:ItemIds></m:GetItem>`,
    );
    const e = descendant(firstMessage(byId), 'Items', 'CalendarItem')!;
    expect([descendant(e, 'ReminderIsSet')!.text, descendant(e, 'LegacyFreeBusyStatus')!.text]).toEqual([
      'false',
      'Free',
    ]);
  });

  it('setting the Recurrence of a series rebuilds it: its exceptions and deleted occurrences go (MS-OXOCAL 3.1.4.7.3.5)', async () => {
    const series = await createEvent(WEEKLY);
    const call = (xml: string) => ews.call(xml).then(firstMessage);
    const edit = await call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange>` +
        `<t:OccurrenceItemId RecurringMasterId="${series.id}" InstanceIndex="2"/><t:Updates>` +
        '<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>Moved</t:Subject></t:CalendarItem></t:SetItemField>' +
        '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
    );
    expect(responseCode(edit)).toBe('NoError');
    const del = await call(
      `<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToNone"><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${series.id}" InstanceIndex="3"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(responseCode(del)).toBe('NoError');
    const kept = sb.store.item(ada.id, series.id) as Item<'event'>;
    expect([kept.data.modifiedOccurrences.length, kept.data.deletedOccurrences.length]).toEqual([1, 1]);
    // Any other field leaves them; the same pattern sent again does not.
    const subject = await call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange>` +
        `<t:ItemId Id="${series.id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>Renamed</t:Subject></t:CalendarItem></t:SetItemField>` +
        '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
    );
    expect(responseCode(subject)).toBe('NoError');
    const renamed = sb.store.item(ada.id, series.id) as Item<'event'>;
    expect([renamed.data.modifiedOccurrences.length, renamed.data.deletedOccurrences.length]).toEqual([1, 1]);
    const pattern = /<t:Recurrence>[\s\S]*<\/t:Recurrence>/.exec(WEEKLY)![0];
    const again = await call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange>` +
        `<t:ItemId Id="${series.id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="calendar:Recurrence"/><t:CalendarItem>${pattern}</t:CalendarItem></t:SetItemField>` +
        '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
    );
    expect(responseCode(again)).toBe('NoError');
    const rebuilt = sb.store.item(ada.id, series.id) as Item<'event'>;
    expect([rebuilt.data.modifiedOccurrences, rebuilt.data.deletedOccurrences]).toEqual([[], []]);
  });

  it('MS-OXWSMTGS_R1204: refuses a CalendarView EndDate before its StartDate', async () => {
    const view = await calendarView('2026-05-01T00:00:00Z', '2026-03-01T00:00:00Z');
    expect(responseCode(view)).toBe('ErrorCalendarEndDateIsEarlierThanStartDate');
  });
});

describe('occurrence id errors', () => {
  it('MS-OXWSMTGS_R1194, MS-OXWSMTGS_R1212, MS-OXWSMTGS_R1231: refuses occurrence ids that do not fit the item', async () => {
    const single = await createEvent(
      '<t:CalendarItem><t:Subject>Once</t:Subject><t:Start>2026-09-01T12:00:00Z</t:Start><t:End>2026-09-01T13:00:00Z</t:End></t:CalendarItem>',
    );
    const series = await createEvent(WEEKLY.replace('Stand-up', 'Retro'));
    const get = (ids: string) =>
      ews
        .call(
          `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>${ids}</m:ItemIds></m:GetItem>`,
        )
        .then(firstMessage);
    expect(
      responseCode(await get(`<t:OccurrenceItemId RecurringMasterId="${single.id}" InstanceIndex="1"/>`)),
    ).toBe('ErrorCalendarCannotUseIdForRecurringMasterId');
    expect(responseCode(await get(`<t:RecurringMasterItemId OccurrenceId="${single.id}"/>`))).toBe(
      'ErrorCalendarCannotUseIdForOccurrenceId',
    );
    const occurrence = descendant(
      await get(`<t:OccurrenceItemId RecurringMasterId="${series.id}" InstanceIndex="1"/>`),
      'Items',
      'CalendarItem',
      'ItemId',
    )!.attrs.Id;
    const moved = await ews.call(
      `<m:MoveItem><m:ToFolderId><t:DistinguishedFolderId Id="calendar"/></m:ToFolderId><m:ItemIds><t:ItemId Id="${occurrence}"/></m:ItemIds></m:MoveItem>`,
    );
    expect(responseCode(firstMessage(moved))).toBe('ErrorCalendarCannotMoveOrCopyOccurrence');
  });
});

describe('recurrence validation', () => {
  it('MS-OXWSMTGS_R1196, MS-OXWSMTGS_R1206: refuses recurrences outside Exchange’s bounds with ErrorCalendarInvalidRecurrence', async () => {
    const answer = await ews.call(
      `<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId><t:FolderId Id="${calendarId}"/></m:SavedItemFolderId><m:Items>${WEEKLY.replace(
        '<t:NumberOfOccurrences>6</t:NumberOfOccurrences>',
        '<t:NumberOfOccurrences>1000</t:NumberOfOccurrences>',
      )}</m:Items></m:CreateItem>`,
    );
    expect(responseCode(firstMessage(answer))).toBe('ErrorCalendarInvalidRecurrence');
  });
});

describe('time zones', () => {
  it('reads zoneless times in the TimeZoneContext and writes UTC, with millisecond precision on request', async () => {
    const { id } = await createEvent(
      '<t:CalendarItem><t:Subject>Call New York</t:Subject><t:Start>2026-07-01T09:00:00</t:Start><t:End>2026-07-01T10:00:00</t:End></t:CalendarItem>',
      'SendToNone',
      `<t:FolderId Id="${calendarId}"/>`,
      'Eastern Standard Time',
    );
    const stored = sb.store.item(ada.id, id) as Item<'event'>;
    expect(stored.data.start).toBe('2026-07-01T13:00:00.000Z');
    expect(stored.data.startTimeZone).toBe('Eastern Standard Time');
    const answer = await ews.call(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="calendar:Start"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`,
      { soapHeader: '<t:DateTimePrecision>Milliseconds</t:DateTimePrecision>' },
    );
    expect(descendant(firstMessage(answer), 'Items', 'CalendarItem', 'Start')!.text).toBe(
      '2026-07-01T13:00:00.000Z',
    );
  });
});

describe('meetings between sandbox mailboxes', () => {
  it('MS-OXWSMTGS_R48, MS-OXWSMTGS_R4800, MS-OXWSMTGS_R4801, MS-OXWSMTGS_R49: SendToAllAndSaveCopy puts a copy with the same UID in the attendee’s calendar and a request in the Inbox; updates and cancellations follow', async () => {
    const { id, changeKey } = await createEvent(
      '<t:CalendarItem><t:Subject>Contract review</t:Subject><t:Start>2026-06-10T12:00:00Z</t:Start><t:End>2026-06-10T13:00:00Z</t:End>' +
        '<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>grace@example.test</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees></t:CalendarItem>',
      'SendToAllAndSaveCopy',
      '<t:DistinguishedFolderId Id="calendar"/>',
    );
    const organizer = sb.store.item(ada.id, id) as Item<'event'>;
    const graceCalendar = sb.store.distinguishedFolder(grace.id, 'calendar')!;
    const copy = () =>
      sb.store
        .items(grace.id, graceCalendar.id)
        .find((i) => i.kind === 'event' && i.data.iCalUId === organizer.data.iCalUId) as
        | Item<'event'>
        | undefined;
    expect(copy()).toBeDefined();
    expect(copy()!.data.isOrganizer).toBe(false);
    expect(copy()!.data.organizer.address).toBe('ada@example.test');
    const inbox = sb.store.items(grace.id, sb.store.distinguishedFolder(grace.id, 'inbox')!.id);
    expect(inbox.some((i) => i.kind === 'message' && i.data.subject === 'Contract review')).toBe(true);

    const update = await ews.call(
      `<m:UpdateItem ConflictResolution="AutoResolve" SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id}" ChangeKey="${changeKey}"/><t:Updates>` +
        '<t:SetItemField><t:FieldURI FieldURI="calendar:Location"/><t:CalendarItem><t:Location>Board room</t:Location></t:CalendarItem></t:SetItemField>' +
        '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
    );
    expect(responseCode(firstMessage(update))).toBe('NoError');
    expect(copy()!.data.location).toBe('Board room');

    const del = await ews.call(
      `<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToAllAndSaveCopy"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(responseCode(firstMessage(del))).toBe('NoError');
    expect(copy()!.data.isCancelled).toBe(true);
  });

  it('MS-OXWSMTGS_R1213: needs SendMeetingInvitations on CreateItem and SendMeetingCancellations on DeleteItem for calendar items', async () => {
    const create = await ews.call(
      '<m:CreateItem><m:Items><t:CalendarItem><t:Subject>x</t:Subject><t:Start>2026-06-10T12:00:00Z</t:Start><t:End>2026-06-10T13:00:00Z</t:End></t:CalendarItem></m:Items></m:CreateItem>',
    );
    expect(responseCode(firstMessage(create))).toBe('ErrorInvalidRequest');
    const { id } = await createEvent(
      '<t:CalendarItem><t:Subject>y</t:Subject><t:Start>2026-06-11T12:00:00Z</t:Start><t:End>2026-06-11T13:00:00Z</t:End></t:CalendarItem>',
    );
    const del = await ews.call(
      `<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(responseCode(firstMessage(del))).toBe('ErrorSendMeetingCancellationsRequired');
  });
});

describe('GetUserAvailability', () => {
  // Central European time as Windows describes it: UTC+1, summer time from the last Sunday of
  // March 02:00 to the last Sunday of October 03:00.
  const CET =
    '<t:TimeZone><t:Bias>-60</t:Bias><t:StandardTime><t:Bias>0</t:Bias><t:Time>03:00:00</t:Time><t:DayOrder>5</t:DayOrder><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime>' +
    '<t:DaylightTime><t:Bias>-60</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>5</t:DayOrder><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime></t:TimeZone>';
  const request = (addresses: string[], view: string, start: string, end: string) =>
    ews.call(
      `<m:GetUserAvailabilityRequest>${CET}<m:MailboxDataArray>` +
        addresses
          .map(
            (a) =>
              `<t:MailboxData><t:Email><t:Address>${a}</t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType></t:MailboxData>`,
          )
          .join('') +
        `</m:MailboxDataArray><t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>${start}</t:StartTime><t:EndTime>${end}</t:EndTime></t:TimeWindow>` +
        `<t:MergedFreeBusyIntervalInMinutes>60</t:MergedFreeBusyIntervalInMinutes><t:RequestedView>${view}</t:RequestedView></t:FreeBusyViewOptions></m:GetUserAvailabilityRequest>`,
    );

  it('returns busy times from every calendar, recurrences expanded, in the requested time zone, merged by interval', async () => {
    const graceCalendar = sb.store.distinguishedFolder(grace.id, 'calendar')!;
    sb.store.createItem(
      grace.id,
      graceCalendar.id,
      'event',
      {
        subject: 'Weekly 1:1',
        start: '2026-08-03T08:00:00.000Z',
        end: '2026-08-03T09:00:00.000Z',
        startTimeZone: 'W. Europe Standard Time',
        endTimeZone: 'W. Europe Standard Time',
        organizer: { address: grace.address },
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
          range: { type: 'noEnd', startDate: '2026-08-03', recurrenceTimeZone: 'W. Europe Standard Time' },
        },
        showAs: 'tentative',
      } as never,
      'user',
    );
    const answer = await request(
      ['grace@example.test', 'ada@example.test', 'nobody@example.test'],
      'DetailedMerged',
      '2026-08-10T00:00:00',
      '2026-08-11T00:00:00',
    );
    const responses = all(answer.body, 'FreeBusyResponse');
    expect(responses).toHaveLength(3);
    expect(responseCode(descendant(responses[0], 'ResponseMessage')!)).toBe('NoError');
    const events = all(responses[0], 'CalendarEvent').filter(
      (e) => descendant(e, 'CalendarEventDetails', 'Subject')?.text === 'Weekly 1:1',
    );
    expect(events).toHaveLength(1);
    // 10:00 in Berlin (summer time), written as local time of the request's zone.
    expect(descendant(events[0], 'StartTime')!.text).toBe('2026-08-10T10:00:00');
    expect(descendant(events[0], 'BusyType')!.text).toBe('Tentative');
    expect(descendant(events[0], 'CalendarEventDetails', 'IsRecurring')!.text).toBe('true');
    const merged = descendant(responses[0], 'FreeBusyView', 'MergedFreeBusy')!.text;
    expect(merged).toHaveLength(24);
    expect(merged[10]).toBe('1');
    expect(descendant(responses[0], 'FreeBusyView', 'WorkingHours', 'TimeZone', 'Bias')!.text).toBe('300');
    expect(responseCode(descendant(responses[2], 'ResponseMessage')!)).toBe('ErrorMailRecipientNotFound');
  });

  it('FreeBusy view lists busy types without details', async () => {
    const answer = await request(
      ['grace@example.test'],
      'FreeBusy',
      '2026-08-10T00:00:00',
      '2026-08-11T00:00:00',
    );
    const view = descendant(all(answer.body, 'FreeBusyResponse')[0], 'FreeBusyView')!;
    expect(descendant(view, 'FreeBusyViewType')!.text).toBe('FreeBusy');
    expect(descendant(view, 'MergedFreeBusy')).toBeUndefined();
    expect(all(view, 'CalendarEventDetails')).toHaveLength(0);
    expect(all(view, 'CalendarEvent').length).toBeGreaterThan(0);
  });
});
