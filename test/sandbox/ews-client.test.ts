// An independent EWS client (ews-javascript-api, a port of Microsoft's EWS Managed API) runs
// the scenarios the sync engine depends on against a running sandbox.

import { EwsSchemaRecorder } from '@exsync/sandbox/ews/schema-validation';
import type { Item, Mailbox } from '@exsync/sandbox/model';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox/server';
import {
  Appointment,
  AttendeeInfo,
  AvailabilityData,
  type ChangeCollection,
  ConfigurationApi,
  ConflictResolutionMode,
  Contact,
  DateTime,
  DeleteMode,
  EmailAddress,
  EmailAddressKey,
  EventType,
  ExchangeService,
  ExchangeVersion,
  FolderId,
  FolderTraversal,
  FolderView,
  type ItemChange,
  type ItemEvent,
  type NotificationEventArgs,
  PhoneNumberKey,
  PropertySet,
  SendCancellationsMode,
  SendInvitationsMode,
  SendInvitationsOrCancellationsMode,
  StreamingSubscriptionConnection,
  SyncFolderItemsScope,
  TimeWindow,
  Uri,
  WebCredentials,
  WellKnownFolderName,
} from 'ews-javascript-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchXhrApi } from '../support/ews-xhr.ts';

let sb: RunningSandbox;
let service: ExchangeService;
let ada: Mailbox;
const recorder = new EwsSchemaRecorder();

beforeAll(async () => {
  sb = await startSandbox();
  ada = sb.store.mailbox('ada@example.test')!;
  ConfigurationApi.ConfigureXHR(
    new FetchXhrApi((request, response) => recorder.recordExchange(request, response, 'ews-javascript-api')),
  );
  service = new ExchangeService(ExchangeVersion.Exchange2013);
  service.Credentials = new WebCredentials('ada@example.test', 'Passw0rd!');
  service.Url = new Uri(`${sb.url}/EWS/Exchange.asmx`);
});
afterAll(async () => {
  await sb?.close();
  expect(recorder.bodies.length).toBeGreaterThan(10);
  await recorder.expectAllValid();
}, 60_000);

describe('ews-javascript-api against the sandbox', () => {
  it('lists the folder tree with FindFolders (Deep)', async () => {
    const view = new FolderView(100);
    view.Traversal = FolderTraversal.Deep;
    const result = await service.FindFolders(WellKnownFolderName.MsgFolderRoot, view);
    const names = result.Folders.map((f) => f.DisplayName);
    expect(names).toEqual(expect.arrayContaining(['Inbox', 'Contacts', 'Calendar', 'Tasks', 'Sent Items']));
    expect(result.TotalCount).toBe(names.length);
  });

  it('synchronizes Contacts to the end with SyncFolderItems in batches', async () => {
    const expected = sb.store.items(ada.id, sb.store.distinguishedFolder(ada.id, 'contacts')!.id).length;
    let state = '';
    const ids = new Set<string>();
    let calls = 0;
    for (;;) {
      const changes: ChangeCollection<ItemChange> = await service.SyncFolderItems(
        new FolderId(WellKnownFolderName.Contacts),
        PropertySet.IdOnly,
        [],
        7,
        SyncFolderItemsScope.NormalItems,
        state,
      );
      calls += 1;
      for (const change of changes.GetEnumerator()) ids.add(change.ItemId.UniqueId);
      state = changes.SyncState;
      if (!changes.MoreChangesAvailable) break;
    }
    expect(ids.size).toBe(expected);
    expect(calls).toBe(Math.ceil(expected / 7));
  });

  it('creates, updates and deletes a contact', async () => {
    const contact = new Contact(service);
    contact.GivenName = 'Katherine';
    contact.Surname = 'Johnson';
    contact.CompanyName = 'NASA';
    contact.EmailAddresses._setItem(EmailAddressKey.EmailAddress1, new EmailAddress('katherine@nasa.test'));
    contact.PhoneNumbers._setItem(PhoneNumberKey.BusinessPhone, '+1 757 864 1000');
    await contact.Save(WellKnownFolderName.Contacts);
    const id = contact.Id.UniqueId;
    expect((sb.store.item(ada.id, id) as Item<'contact'>).data).toMatchObject({
      givenName: 'Katherine',
      surname: 'Johnson',
      emailAddresses: [{ address: 'katherine@nasa.test' }],
      phones: { BusinessPhone: '+1 757 864 1000' },
    });

    const bound = await Contact.Bind(service, contact.Id);
    expect(bound.CompanyName).toBe('NASA');
    bound.JobTitle = 'Mathematician';
    bound.EmailAddresses._setItem(EmailAddressKey.EmailAddress2, new EmailAddress('kj@example.org'));
    await bound.Update(ConflictResolutionMode.AutoResolve);
    const stored = sb.store.item(ada.id, id) as Item<'contact'>;
    expect(stored.data.jobTitle).toBe('Mathematician');
    expect(stored.data.emailAddresses.map((e) => e.address)).toEqual([
      'katherine@nasa.test',
      'kj@example.org',
    ]);

    await bound.Delete(DeleteMode.HardDelete);
    expect(sb.store.item(ada.id, id)).toBeUndefined();
  });

  it('creates, updates and deletes an appointment', async () => {
    const appointment = new Appointment(service);
    appointment.Subject = 'Launch review';
    appointment.Start = new DateTime(Date.UTC(2026, 11, 1, 9, 0));
    appointment.End = new DateTime(Date.UTC(2026, 11, 1, 10, 0));
    appointment.Location = 'Hangar 1';
    await appointment.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToNone);
    const id = appointment.Id.UniqueId;
    const stored = sb.store.item(ada.id, id) as Item<'event'>;
    expect(stored.data.subject).toBe('Launch review');
    expect(stored.data.start).toBe('2026-12-01T09:00:00.000Z');

    const bound = await Appointment.Bind(service, appointment.Id);
    expect(bound.Location).toBe('Hangar 1');
    bound.Location = 'Mission control';
    await bound.Update(ConflictResolutionMode.AlwaysOverwrite, SendInvitationsOrCancellationsMode.SendToNone);
    expect((sb.store.item(ada.id, id) as Item<'event'>).data.location).toBe('Mission control');

    await bound.Delete(DeleteMode.HardDelete, SendCancellationsMode.SendToNone);
    expect(sb.store.item(ada.id, id)).toBeUndefined();
  });

  it('gets free/busy with GetUserAvailability', async () => {
    const grace = sb.store.mailbox('grace@example.test')!;
    sb.store.createItem(
      grace.id,
      sb.store.distinguishedFolder(grace.id, 'calendar')!.id,
      'event',
      {
        subject: 'Busy block',
        start: '2026-12-02T14:00:00.000Z',
        end: '2026-12-02T15:00:00.000Z',
        organizer: { address: grace.address },
      } as never,
      'user',
    );
    const window = new TimeWindow(new DateTime(Date.UTC(2026, 11, 2)), new DateTime(Date.UTC(2026, 11, 3)));
    const results = await service.GetUserAvailability(
      [new AttendeeInfo('grace@example.test')],
      window,
      AvailabilityData.FreeBusy,
    );
    const attendee = results.AttendeesAvailability.Responses[0];
    expect(attendee.ErrorCode).toBe(0);
    expect(attendee.CalendarEvents.length).toBeGreaterThan(0);
    const block = attendee.CalendarEvents.find(
      (e) => e.StartTime.TotalMilliSeconds === Date.UTC(2026, 11, 2, 14),
    );
    expect(block).toBeDefined();
  });

  it('receives a streaming notification after a change', async () => {
    const subscription = await service.SubscribeToStreamingNotifications(
      [new FolderId(WellKnownFolderName.Contacts)],
      EventType.Created,
    );
    const connection = new StreamingSubscriptionConnection(service, 1);
    connection.AddSubscription(subscription);
    const received = new Promise<string>((resolve) => {
      connection.OnNotificationEvent.push((_sender, args: NotificationEventArgs) => {
        for (const event of args.Events) resolve((event as ItemEvent).ItemId.UniqueId);
      });
    });
    connection.Open();
    await new Promise((r) => setTimeout(r, 200));
    const created = sb.store.createItem(
      ada.id,
      sb.store.distinguishedFolder(ada.id, 'contacts')!.id,
      'contact',
      { givenName: 'Pushed' } as never,
      'user',
    );
    const itemId = await Promise.race([
      received,
      new Promise<string>((_, reject) =>
        setTimeout(() => reject(new Error('no notification within 5 s')), 5000),
      ),
    ]);
    expect(itemId).toBe(created.id);
    connection.Close();
  });
});
