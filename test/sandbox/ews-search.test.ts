// Restrictions in FindItem and FindFolder, and extended MAPI properties stored, returned and
// searched.

import type { Item, Mailbox } from '@exsync/sandbox/model';
import type { RunningSandbox } from '@exsync/sandbox/server';
import { describe, expect, it } from 'vitest';
import { ewsSandboxForFile } from '../support/ews-sandbox.ts';
import { all, descendant, type EwsTestClient, firstMessage, responseCode } from '../support/ews-soap.ts';

let sb: RunningSandbox;
let ews: EwsTestClient;
let ada: Mailbox;

ewsSandboxForFile((started) => {
  ({ sb, ews, ada } = started);
});

const idOnly = '<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>';

async function findIds(folder: string, restriction: string, shape = idOnly) {
  const answer = await ews.call(
    `<m:FindItem Traversal="Shallow">${shape}<m:Restriction>${restriction}</m:Restriction><m:ParentFolderIds>${folder}</m:ParentFolderIds></m:FindItem>`,
  );
  const m = firstMessage(answer);
  expect(responseCode(m), answer.text.slice(0, 800)).toBe('NoError');
  return all(descendant(m, 'RootFolder'), 'ItemId').map((i) => i.attrs.Id);
}

describe('FindItem restrictions', () => {
  it('filters on HasAttachments, on the calendar item type and with And/Or/Not, Exists and Excludes', async () => {
    const inbox = sb.store.distinguishedFolder(ada.id, 'inbox')!;
    const withAttachments = sb.store
      .items(ada.id, inbox.id)
      .filter((i) => i.kind === 'message' && i.data.attachments.length > 0)
      .map((i) => i.id);
    expect(withAttachments.length).toBeGreaterThan(0);
    const folder = '<t:DistinguishedFolderId Id="inbox"/>';
    const hasAttachments =
      '<t:IsEqualTo><t:FieldURI FieldURI="item:HasAttachments"/><t:FieldURIOrConstant><t:Constant Value="true"/></t:FieldURIOrConstant></t:IsEqualTo>';
    expect((await findIds(folder, hasAttachments)).sort()).toEqual(withAttachments.sort());
    const none = await findIds(folder, `<t:Not>${hasAttachments}</t:Not>`);
    expect(none.some((id) => withAttachments.includes(id))).toBe(false);
    expect(none.length + withAttachments.length).toBe(sb.store.items(ada.id, inbox.id).length);
    const calendar = sb.store.distinguishedFolder(ada.id, 'calendar')!;
    const masters = sb.store
      .items(ada.id, calendar.id)
      .filter((i) => i.kind === 'event' && i.data.recurrence)
      .map((i) => i.id);
    expect(masters.length).toBeGreaterThan(0);
    const recurring = await findIds(
      '<t:DistinguishedFolderId Id="calendar"/>',
      '<t:IsEqualTo><t:FieldURI FieldURI="calendar:CalendarItemType"/><t:FieldURIOrConstant><t:Constant Value="RecurringMaster"/></t:FieldURIOrConstant></t:IsEqualTo>',
    );
    expect(recurring.sort()).toEqual(masters.sort());
    const either = await findIds(
      '<t:DistinguishedFolderId Id="calendar"/>',
      '<t:Or><t:IsEqualTo><t:FieldURI FieldURI="calendar:CalendarItemType"/><t:FieldURIOrConstant><t:Constant Value="RecurringMaster"/></t:FieldURIOrConstant></t:IsEqualTo><t:IsEqualTo><t:FieldURI FieldURI="calendar:IsAllDayEvent"/><t:FieldURIOrConstant><t:Constant Value="true"/></t:FieldURIOrConstant></t:IsEqualTo></t:Or>',
    );
    const allDay = sb.store
      .items(ada.id, calendar.id)
      .filter((i) => i.kind === 'event' && i.data.isAllDay && !i.data.recurrence)
      .map((i) => i.id);
    expect(either.sort()).toEqual([...masters, ...allDay].sort());
    const withLocation = await findIds(
      '<t:DistinguishedFolderId Id="calendar"/>',
      '<t:Exists><t:FieldURI FieldURI="calendar:Location"/></t:Exists>',
    );
    expect(withLocation.sort()).toEqual(
      sb.store
        .items(ada.id, calendar.id)
        .filter((i) => i.kind === 'event' && i.data.location)
        .map((i) => i.id)
        .sort(),
    );
    const small = await findIds(
      folder,
      '<t:Excludes><t:FieldURI FieldURI="item:Size"/><t:Bitmask Value="1073741824"/></t:Excludes>',
    );
    expect(small.length).toBe(sb.store.items(ada.id, inbox.id).length);
  });

  it('compares dates, numbers and strings with IsGreaterThan, IsLessThanOrEqualTo and IsNotEqualTo', async () => {
    const calendar = sb.store.distinguishedFolder(ada.id, 'calendar')!;
    const events = sb.store.items(ada.id, calendar.id) as Item<'event'>[];
    const pivot = [...events].sort((a, b) => Date.parse(a.data.start) - Date.parse(b.data.start))[
      Math.floor(events.length / 2)
    ].data.start;
    const later = await findIds(
      '<t:DistinguishedFolderId Id="calendar"/>',
      `<t:IsGreaterThan><t:FieldURI FieldURI="calendar:Start"/><t:FieldURIOrConstant><t:Constant Value="${pivot}"/></t:FieldURIOrConstant></t:IsGreaterThan>`,
    );
    expect(later.sort()).toEqual(
      events
        .filter((e) => Date.parse(e.data.start) > Date.parse(pivot))
        .map((e) => e.id)
        .sort(),
    );
    const reminders = await findIds(
      '<t:DistinguishedFolderId Id="calendar"/>',
      '<t:IsLessThanOrEqualTo><t:FieldURI FieldURI="item:ReminderMinutesBeforeStart"/><t:FieldURIOrConstant><t:Constant Value="10"/></t:FieldURIOrConstant></t:IsLessThanOrEqualTo>',
    );
    expect(reminders.sort()).toEqual(
      events
        .filter((e) => e.data.reminderMinutesBeforeStart <= 10)
        .map((e) => e.id)
        .sort(),
    );
    const notOrganized = await findIds(
      '<t:DistinguishedFolderId Id="calendar"/>',
      '<t:IsNotEqualTo><t:FieldURI FieldURI="calendar:MyResponseType"/><t:FieldURIOrConstant><t:Constant Value="Organizer"/></t:FieldURIOrConstant></t:IsNotEqualTo>',
    );
    expect(notOrganized.length).toBeLessThan(events.length);
  });

  it('refuses a collection such as item:Attachments with ErrorUnsupportedPathForQuery', async () => {
    const answer = await ews.call(
      `<m:FindItem Traversal="Shallow">${idOnly}<m:Restriction><t:Exists><t:FieldURI FieldURI="item:Attachments"/></t:Exists></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>`,
    );
    expect(responseCode(firstMessage(answer))).toBe('ErrorUnsupportedPathForQuery');
  });
});

describe('FindFolder restrictions', () => {
  it('a search for one folder by name returns that folder, not its siblings', async () => {
    const answer = await ews.call(
      '<m:FindFolder Traversal="Deep"><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="folder:DisplayName"/><t:FieldURIOrConstant><t:Constant Value="Junk Email"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>',
    );
    const m = firstMessage(answer);
    expect(responseCode(m)).toBe('NoError');
    const folders = descendant(m, 'RootFolder', 'Folders')!.children;
    expect(folders.map((f) => descendant(f, 'DisplayName')!.text)).toEqual(['Junk Email']);
    expect(descendant(m, 'RootFolder')!.attrs.TotalItemsInView).toBe('1');
    const contactFolders = await ews.call(
      '<m:FindFolder Traversal="Shallow"><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:Restriction><t:And><t:Contains ContainmentMode="Prefixed" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="folder:FolderClass"/><t:Constant Value="ipf.contact"/></t:Contains><t:IsGreaterThan><t:FieldURI FieldURI="folder:TotalCount"/><t:FieldURIOrConstant><t:Constant Value="0"/></t:FieldURIOrConstant></t:IsGreaterThan></t:And></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderIds></m:FindFolder>',
    );
    const ids = all(descendant(firstMessage(contactFolders), 'RootFolder'), 'FolderId').map(
      (f) => f.attrs.Id,
    );
    const contacts = sb.store.distinguishedFolder(ada.id, 'contacts')!;
    const expected = sb.store
      .folders(ada.id)
      .filter(
        (f) =>
          f.parentId === contacts.id &&
          f.folderClass.startsWith('IPF.Contact') &&
          sb.store.items(ada.id, f.id).length > 0,
      );
    expect(ids.sort()).toEqual(expected.map((f) => f.id).sort());
    expect(ids.length).toBeGreaterThan(0);
  });
});

describe('extended properties', () => {
  const marker =
    '<t:ExtendedFieldURI PropertySetId="c11ff724-aa03-4555-9952-8fa248a11c3e" PropertyName="ExsyncOrigin" PropertyType="String"/>';
  const tagged = '<t:ExtendedFieldURI PropertyTag="0x3A45" PropertyType="String"/>';
  const numbers =
    '<t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="Scores" PropertyType="IntegerArray"/>';

  it('stores them on CreateItem, returns them when asked, changes and deletes them with UpdateItem, and filters on them', async () => {
    const created = firstMessage(
      await ews.call(
        `<m:CreateItem><m:SavedItemFolderId><t:DistinguishedFolderId Id="contacts"/></m:SavedItemFolderId><m:Items><t:Contact><t:ExtendedProperty>${marker}<t:Value>crm-42</t:Value></t:ExtendedProperty><t:ExtendedProperty>${tagged}<t:Value>Dr.</t:Value></t:ExtendedProperty><t:ExtendedProperty>${numbers}<t:Values><t:Value>1</t:Value><t:Value>2</t:Value></t:Values></t:ExtendedProperty><t:GivenName>Extended</t:GivenName></t:Contact></m:Items></m:CreateItem>`,
      ),
    );
    expect(responseCode(created)).toBe('NoError');
    const id = descendant(created, 'Items', 'Contact', 'ItemId')!.attrs.Id;
    const stored = sb.store.item(ada.id, id)!;
    expect(stored.data.extendedProperties).toEqual([
      {
        type: 'String',
        propertySetId: 'c11ff724-aa03-4555-9952-8fa248a11c3e',
        name: 'ExsyncOrigin',
        values: ['crm-42'],
      },
      { type: 'String', tag: 0x3a45, values: ['Dr.'] },
      {
        type: 'IntegerArray',
        propertySetId: '00020329-0000-0000-c000-000000000046',
        name: 'Scores',
        values: ['1', '2'],
      },
    ]);
    const get = async () =>
      descendant(
        firstMessage(
          await ews.call(
            `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>${marker}${numbers}</t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`,
          ),
        ),
        'Items',
        'Contact',
      )!;
    const got = await get();
    const props = all(got, 'ExtendedProperty');
    expect(props.map((p) => all(p, 'Value').map((v) => v.text))).toEqual([['crm-42'], ['1', '2']]);
    const plain = firstMessage(
      await ews.call(
        `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`,
      ),
    );
    expect(all(plain, 'ExtendedProperty')).toEqual([]);
    const update = await ews.call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id}"/><t:Updates><t:SetItemField>${marker}<t:Contact><t:ExtendedProperty>${marker}<t:Value>crm-43</t:Value></t:ExtendedProperty></t:Contact></t:SetItemField><t:DeleteItemField>${numbers}</t:DeleteItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    expect(responseCode(firstMessage(update))).toBe('NoError');
    expect(all(await get(), 'ExtendedProperty').map((p) => all(p, 'Value').map((v) => v.text))).toEqual([
      ['crm-43'],
    ]);
    const found = await findIds(
      '<t:DistinguishedFolderId Id="contacts"/>',
      `<t:IsEqualTo>${marker}<t:FieldURIOrConstant><t:Constant Value="crm-43"/></t:FieldURIOrConstant></t:IsEqualTo>`,
    );
    expect(found).toEqual([id]);
    const exists = await findIds(
      '<t:DistinguishedFolderId Id="contacts"/>',
      `<t:Exists>${tagged}</t:Exists>`,
    );
    expect(exists).toEqual([id]);
  });

  it('refuses a value that does not fit the property type (ErrorInvalidExtendedPropertyValue)', async () => {
    const answer = await ews.call(
      `<m:CreateItem><m:SavedItemFolderId><t:DistinguishedFolderId Id="contacts"/></m:SavedItemFolderId><m:Items><t:Contact><t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x1234" PropertyType="Integer"/><t:Value>twelve</t:Value></t:ExtendedProperty><t:GivenName>Bad</t:GivenName></t:Contact></m:Items></m:CreateItem>`,
    );
    expect(responseCode(firstMessage(answer))).toBe('ErrorInvalidExtendedPropertyValue');
  });
});
