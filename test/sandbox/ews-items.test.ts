// Items: contacts, tasks and messages through CreateItem, GetItem, UpdateItem, DeleteItem,
// SendItem, MoveItem and FindItem.

import type { Item, Mailbox } from '@exsync/sandbox/model';
import type { RunningSandbox } from '@exsync/sandbox/server';
import { describe, expect, it } from 'vitest';
import { ewsSandboxForFile } from '../support/ews-sandbox.ts';
import {
  all,
  descendant,
  type EwsTestClient,
  faultCode,
  firstMessage,
  responseCode,
} from '../support/ews-soap.ts';

let sb: RunningSandbox;
let ews: EwsTestClient;
let ada: Mailbox;
let grace: Mailbox;

ewsSandboxForFile((started) => {
  ({ sb, ews, ada, grace } = started);
});

async function create(itemXml: string, attrs = '', folder?: string) {
  const answer = await ews.call(
    `<m:CreateItem${attrs}>${folder ? `<m:SavedItemFolderId>${folder}</m:SavedItemFolderId>` : ''}<m:Items>${itemXml}</m:Items></m:CreateItem>`,
  );
  const message = firstMessage(answer);
  expect(responseCode(message), answer.text).toBe('NoError');
  const id = all(message, 'ItemId')[0];
  return { id: id?.attrs.Id, changeKey: id?.attrs.ChangeKey, message };
}

async function get(id: string, shape = 'AllProperties', additional = '') {
  const answer = await ews.call(
    `<m:GetItem><m:ItemShape><t:BaseShape>${shape}</t:BaseShape>${additional ? `<t:AdditionalProperties>${additional}</t:AdditionalProperties>` : ''}</m:ItemShape><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`,
  );
  const message = firstMessage(answer);
  return { code: responseCode(message), item: descendant(message, 'Items')?.children[0], text: answer.text };
}

function update(
  id: string,
  changeKey: string | undefined,
  updates: string,
  attrs = ' ConflictResolution="AutoResolve"',
) {
  return ews
    .call(
      `<m:UpdateItem${attrs}><m:ItemChanges><t:ItemChange><t:ItemId Id="${id}"${changeKey ? ` ChangeKey="${changeKey}"` : ''}/><t:Updates>${updates}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    )
    .then(firstMessage);
}

const CONTACT = `<t:Contact><t:FileAs>Turing, Alan</t:FileAs><t:GivenName>Alan</t:GivenName><t:CompanyName>Bletchley Park</t:CompanyName>
<t:EmailAddresses><t:Entry Key="EmailAddress1">alan@bletchley.test</t:Entry><t:Entry Key="EmailAddress2">turing@example.org</t:Entry></t:EmailAddresses>
<t:PhysicalAddresses><t:Entry Key="Business"><t:Street>Sherwood Drive</t:Street><t:City>Milton Keynes</t:City><t:PostalCode>MK3 6EB</t:PostalCode></t:Entry></t:PhysicalAddresses>
<t:PhoneNumbers><t:Entry Key="BusinessPhone">+44 1908 640404</t:Entry><t:Entry Key="MobilePhone">+44 7700 900123</t:Entry></t:PhoneNumbers>
<t:Birthday>1912-06-23T00:00:00Z</t:Birthday><t:JobTitle>Cryptanalyst</t:JobTitle><t:Surname>Turing</t:Surname></t:Contact>`;

describe('contacts', () => {
  it('MS-OXWSCONT_R297, MS-OXWSCONT_R301001, MS-OXWSCONT_R113, MS-OXWSCORE_R258, MS-OXWSCORE_R346: CreateItem stores a contact in Contacts and GetItem returns it', async () => {
    const { id, changeKey } = await create(CONTACT);
    expect(changeKey).toBeTruthy();
    const stored = sb.store.item(ada.id, id) as Item<'contact'>;
    expect(stored.folderId).toBe(sb.store.distinguishedFolder(ada.id, 'contacts')!.id);
    expect(stored.data).toMatchObject({
      givenName: 'Alan',
      surname: 'Turing',
      companyName: 'Bletchley Park',
      jobTitle: 'Cryptanalyst',
      birthday: '1912-06-23',
      emailAddresses: [{ address: 'alan@bletchley.test' }, { address: 'turing@example.org' }],
      phones: { BusinessPhone: '+44 1908 640404', MobilePhone: '+44 7700 900123' },
      addresses: { Business: { street: 'Sherwood Drive', city: 'Milton Keynes', postalCode: 'MK3 6EB' } },
    });
    const { item } = await get(id);
    expect(item?.name).toBe('Contact');
    expect(descendant(item, 'CompanyName')?.text).toBe('Bletchley Park');
    expect(all(descendant(item, 'EmailAddresses'), 'Entry').map((e) => e.attrs.Key)).toEqual([
      'EmailAddress1',
      'EmailAddress2',
    ]);
  });

  it('MS-OXWSCONT_R279: FileAs is stored as given and changed with SetItemField', async () => {
    const { id, changeKey } = await create(CONTACT);
    expect((sb.store.item(ada.id, id) as Item<'contact'>).data.fileAs).toBe('Turing, Alan');
    const message = await update(
      id,
      changeKey,
      '<t:SetItemField><t:FieldURI FieldURI="contacts:FileAs"/><t:Contact><t:FileAs>Alan Turing (Bletchley)</t:FileAs></t:Contact></t:SetItemField>',
    );
    expect(responseCode(message)).toBe('NoError');
    const { item } = await get(id);
    expect(descendant(item, 'FileAs')?.text).toBe('Alan Turing (Bletchley)');
    expect((sb.store.item(ada.id, id) as Item<'contact'>).data.fileAs).toBe('Alan Turing (Bletchley)');
  });

  it('MS-OXWSCORE_R2015, MS-OXWSCDATA_R59, MS-OXWSCDATA_R61, MS-OXWSCDATA_R62: honours IdOnly, Default and AdditionalProperties with indexed field URIs', async () => {
    const { id } = await create(CONTACT);
    const idOnly = await get(id, 'IdOnly');
    expect(idOnly.item?.children.map((c) => c.name)).toEqual(['ItemId']);
    const extra = await get(
      id,
      'IdOnly',
      '<t:FieldURI FieldURI="contacts:JobTitle"/><t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress2"/>',
    );
    expect(extra.item?.children.map((c) => c.name)).toEqual(['ItemId', 'EmailAddresses', 'JobTitle']);
    expect(all(extra.item, 'Entry').map((e) => e.text)).toEqual(['turing@example.org']);
    const dflt = await get(id, 'Default');
    expect(descendant(dflt.item, 'DisplayName')?.text).toBe('Alan Turing');
  });

  it('MS-OXWSCORE_R517, MS-OXWSCONT_R279: SetItemField, AppendToItemField and DeleteItemField on plain and indexed URIs', async () => {
    const { id, changeKey } = await create(CONTACT);
    const message = await update(
      id,
      changeKey,
      `<t:SetItemField><t:FieldURI FieldURI="contacts:GivenName"/><t:Contact><t:GivenName>Alan M.</t:GivenName></t:Contact></t:SetItemField>
       <t:SetItemField><t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress1"/><t:Contact><t:EmailAddresses><t:Entry Key="EmailAddress1">alan@manchester.test</t:Entry></t:EmailAddresses></t:Contact></t:SetItemField>
       <t:SetItemField><t:IndexedFieldURI FieldURI="contacts:PhoneNumber" FieldIndex="BusinessPhone"/><t:Contact><t:PhoneNumbers><t:Entry Key="BusinessPhone">+44 161 275 2000</t:Entry></t:PhoneNumbers></t:Contact></t:SetItemField>
       <t:SetItemField><t:IndexedFieldURI FieldURI="contacts:PhysicalAddress:City" FieldIndex="Business"/><t:Contact><t:PhysicalAddresses><t:Entry Key="Business"><t:City>Manchester</t:City></t:Entry></t:PhysicalAddresses></t:Contact></t:SetItemField>
       <t:DeleteItemField><t:IndexedFieldURI FieldURI="contacts:PhoneNumber" FieldIndex="MobilePhone"/></t:DeleteItemField>
       <t:DeleteItemField><t:FieldURI FieldURI="contacts:JobTitle"/></t:DeleteItemField>
       <t:AppendToItemField><t:FieldURI FieldURI="item:Body"/><t:Contact><t:Body BodyType="Text">Met at the conference.</t:Body></t:Contact></t:AppendToItemField>`,
    );
    expect(responseCode(message)).toBe('NoError');
    const newKey = all(message, 'ItemId')[0].attrs.ChangeKey;
    expect(newKey).not.toBe(changeKey);
    const stored = sb.store.item(ada.id, id) as Item<'contact'>;
    expect(stored.data.givenName).toBe('Alan M.');
    expect(stored.data.emailAddresses[0].address).toBe('alan@manchester.test');
    expect(stored.data.emailAddresses[1].address).toBe('turing@example.org');
    expect(stored.data.phones).toEqual({ BusinessPhone: '+44 161 275 2000' });
    expect(stored.data.addresses.Business).toEqual({
      street: 'Sherwood Drive',
      city: 'Manchester',
      postalCode: 'MK3 6EB',
    });
    expect(stored.data.jobTitle).toBeUndefined();
    expect(stored.data.notes).toBe('Met at the conference.');
  });

  it('MS-OXWSCORE_R588, MS-OXWSCORE_R582: a stale ChangeKey fails with NeverOverwrite and AutoResolve, AlwaysOverwrite wins', async () => {
    const { id, changeKey } = await create(CONTACT);
    sb.store.updateItem(ada.id, id, { jobTitle: 'Changed elsewhere' }, 'user');
    const set =
      '<t:SetItemField><t:FieldURI FieldURI="contacts:JobTitle"/><t:Contact><t:JobTitle>Mine</t:JobTitle></t:Contact></t:SetItemField>';
    for (const mode of ['NeverOverwrite', 'AutoResolve']) {
      const message = await update(id, changeKey, set, ` ConflictResolution="${mode}"`);
      expect(message.attrs.ResponseClass).toBe('Error');
      expect(responseCode(message)).toBe('ErrorIrresolvableConflict');
    }
    expect((sb.store.item(ada.id, id) as Item<'contact'>).data.jobTitle).toBe('Changed elsewhere');
    expect(responseCode(await update(id, changeKey, set, ' ConflictResolution="AlwaysOverwrite"'))).toBe(
      'NoError',
    );
    expect((sb.store.item(ada.id, id) as Item<'contact'>).data.jobTitle).toBe('Mine');
  });

  it('answers ErrorItemNotFound for an unknown id', async () => {
    expect((await get('AAMkDoesNotExist')).code).toBe('ErrorItemNotFound');
  });
});

describe('tasks', () => {
  it('MS-OXWSTASK_R22, MS-OXWSTASK_R48, MS-OXWSTASK_R5555: creates a task, completes it, and needs AffectedTaskOccurrences to delete it', async () => {
    const { id, changeKey } = await create(
      '<t:Task><t:Subject>Send the offer</t:Subject><t:Importance>High</t:Importance><t:DueDate>2026-12-01T00:00:00Z</t:DueDate><t:PercentComplete>40</t:PercentComplete><t:Status>InProgress</t:Status></t:Task>',
    );
    const stored = sb.store.item(ada.id, id) as Item<'task'>;
    expect(stored.folderId).toBe(sb.store.distinguishedFolder(ada.id, 'tasks')!.id);
    expect(stored.data).toMatchObject({
      subject: 'Send the offer',
      dueDate: '2026-12-01',
      status: 'inProgress',
      percentComplete: 40,
      importance: 'high',
    });
    const message = await update(
      id,
      changeKey,
      '<t:SetItemField><t:FieldURI FieldURI="task:Status"/><t:Task><t:Status>Completed</t:Status></t:Task></t:SetItemField>',
    );
    expect(responseCode(message)).toBe('NoError');
    const done = sb.store.item(ada.id, id) as Item<'task'>;
    expect(done.data.percentComplete).toBe(100);
    expect(done.data.completedDateTime).toBeTruthy();
    const { item } = await get(id);
    expect(descendant(item, 'IsComplete')?.text).toBe('true');
    const refused = firstMessage(
      await ews.call(
        `<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:DeleteItem>`,
      ),
    );
    expect(responseCode(refused)).toBe('ErrorAffectedTaskOccurrencesRequired');
    const deleted = firstMessage(
      await ews.call(
        `<m:DeleteItem DeleteType="HardDelete" AffectedTaskOccurrences="AllOccurrences"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:DeleteItem>`,
      ),
    );
    expect(responseCode(deleted)).toBe('NoError');
    expect(sb.store.item(ada.id, id)).toBeUndefined();
  });
});

describe('messages', () => {
  const message = (disposition: string) =>
    `<t:Message><t:Subject>Offer ${disposition}</t:Subject><t:Body BodyType="HTML">&lt;p&gt;Hello&lt;/p&gt;</t:Body>` +
    '<t:Attachments><t:FileAttachment><t:Name>offer.txt</t:Name><t:ContentType>text/plain</t:ContentType><t:Content>SGVsbG8=</t:Content></t:FileAttachment></t:Attachments>' +
    '<t:ToRecipients><t:Mailbox><t:EmailAddress>grace@example.test</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message>';
  const inboxOf = (m: Mailbox) => sb.store.items(m.id, sb.store.distinguishedFolder(m.id, 'inbox')!.id);
  const folderOf = (m: Mailbox, f: string) => sb.store.items(m.id, sb.store.distinguishedFolder(m.id, f)!.id);

  it('MS-OXWSMSG_R80, MS-OXWSMSG_R82: SaveOnly keeps a draft and returns its id; SendItem sends it', async () => {
    const { id } = await create(message('SaveOnly'), ' MessageDisposition="SaveOnly"');
    const draft = sb.store.item(ada.id, id) as Item<'message'>;
    expect(draft.folderId).toBe(sb.store.distinguishedFolder(ada.id, 'drafts')!.id);
    expect(draft.data.isDraft).toBe(true);
    const { item } = await get(id);
    expect(descendant(item, 'Attachments', 'FileAttachment', 'Name')?.text).toBe('offer.txt');
    expect(descendant(item, 'HasAttachments')?.text).toBe('true');
    const sent = firstMessage(
      await ews.call(
        `<m:SendItem SaveItemToFolder="true"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:SendItem>`,
      ),
    );
    expect(responseCode(sent)).toBe('NoError');
    expect(sb.store.item(ada.id, id)).toBeUndefined();
    expect(
      folderOf(ada, 'sentitems').some((i) => i.kind === 'message' && i.data.subject === 'Offer SaveOnly'),
    ).toBe(true);
    const received = inboxOf(grace).find(
      (i) => i.kind === 'message' && i.data.subject === 'Offer SaveOnly',
    ) as Item<'message'>;
    expect(received.data.isRead).toBe(false);
    expect(received.data.from?.address).toBe('ada@example.test');
    expect(received.data.attachments[0].name).toBe('offer.txt');
  });

  it('MS-OXWSMTGS_R1241: creating or updating a message needs MessageDisposition (ErrorMessageDispositionRequired)', async () => {
    const created = await ews.call(`<m:CreateItem><m:Items>${message('none')}</m:Items></m:CreateItem>`);
    expect(responseCode(firstMessage(created))).toBe('ErrorMessageDispositionRequired');
    const { id, changeKey } = await create(message('draft'), ' MessageDisposition="SaveOnly"');
    const updated = await update(
      id,
      changeKey,
      '<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:Message><t:Subject>x</t:Subject></t:Message></t:SetItemField>',
    );
    expect(responseCode(updated)).toBe('ErrorMessageDispositionRequired');
    const saved = await update(
      id,
      changeKey,
      '<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:Message><t:Subject>Renamed draft</t:Subject></t:Message></t:SetItemField>',
      ' ConflictResolution="AutoResolve" MessageDisposition="SaveOnly"',
    );
    expect(responseCode(saved)).toBe('NoError');
    expect((sb.store.item(ada.id, id) as Item<'message'>).data.subject).toBe('Renamed draft');
  });

  it('MS-OXWSMSG_R83, MS-OXWSMSG_R203: SendOnly delivers without a copy; SendAndSaveCopy keeps one in Sent Items', async () => {
    const sentBefore = folderOf(ada, 'sentitems').length;
    const only = firstMessage(
      await ews.call(
        `<m:CreateItem MessageDisposition="SendOnly"><m:Items>${message('SendOnly')}</m:Items></m:CreateItem>`,
      ),
    );
    expect(responseCode(only)).toBe('NoError');
    expect(folderOf(ada, 'sentitems').length).toBe(sentBefore);
    const saved = firstMessage(
      await ews.call(
        `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items>${message('SendAndSaveCopy')}</m:Items></m:CreateItem>`,
      ),
    );
    expect(responseCode(saved)).toBe('NoError');
    expect(folderOf(ada, 'sentitems').length).toBe(sentBefore + 1);
    const subjects = inboxOf(grace).map((i) => (i.data as { subject: string }).subject);
    expect(subjects).toEqual(expect.arrayContaining(['Offer SendOnly', 'Offer SendAndSaveCopy']));
  });
});

describe('FindItem, DeleteItem and MoveItem', () => {
  it('pages with IndexedPageItemView and filters with IsEqualTo / Contains restrictions', async () => {
    const folder = sb.store.createFolder(
      ada.id,
      {
        parentId: sb.store.distinguishedFolder(ada.id, 'contacts')!.id,
        displayName: 'Leads',
        folderClass: 'IPF.Contact',
      },
      'user',
    );
    for (let i = 0; i < 7; i++) {
      sb.store.createItem(
        ada.id,
        folder.id,
        'contact',
        {
          givenName: `Lead${i}`,
          surname: i % 2 ? 'Odd' : 'Even',
          companyName: i < 3 ? 'Contoso' : 'Fabrikam',
          emailAddresses: [],
          phones: {},
          addresses: {},
          categories: [],
        },
        'user',
      );
    }
    const find = (view: string, restriction = '') =>
      ews.call(
        `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>${view}${restriction}<m:ParentFolderIds><t:FolderId Id="${folder.id}"/></m:ParentFolderIds></m:FindItem>`,
      );
    const first = descendant(
      firstMessage(
        await find('<m:IndexedPageItemView MaxEntriesReturned="5" Offset="0" BasePoint="Beginning"/>'),
      ),
      'RootFolder',
    )!;
    expect(first.attrs).toMatchObject({
      TotalItemsInView: '7',
      IncludesLastItemInRange: 'false',
      IndexedPagingOffset: '5',
    });
    expect(descendant(first, 'Items')!.children).toHaveLength(5);
    const second = descendant(
      firstMessage(
        await find('<m:IndexedPageItemView MaxEntriesReturned="5" Offset="5" BasePoint="Beginning"/>'),
      ),
      'RootFolder',
    )!;
    expect(second.attrs.IncludesLastItemInRange).toBe('true');
    expect(descendant(second, 'Items')!.children).toHaveLength(2);
    const equal = await find(
      '<m:IndexedPageItemView MaxEntriesReturned="50" Offset="0" BasePoint="Beginning"/>',
      '<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="contacts:CompanyName"/><t:FieldURIOrConstant><t:Constant Value="Contoso"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>',
    );
    expect(all(firstMessage(equal), 'Contact')).toHaveLength(3);
    const contains = await find(
      '<m:IndexedPageItemView MaxEntriesReturned="50" Offset="0" BasePoint="Beginning"/>',
      '<m:Restriction><t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="contacts:Surname"/><t:Constant Value="od"/></t:Contains></m:Restriction>',
    );
    expect(all(firstMessage(contains), 'Contact')).toHaveLength(3);
  });

  it('MS-OXWSCORE_R1667, MS-OXWSCORE_R1668, MS-OXWSCORE_R303, MS-OXWSCORE_R388, MS-OXWSCORE_R219, MS-OXWSCONT_R273, MS-OXWSCONT_R285: MoveToDeletedItems moves, HardDelete removes, MoveItem moves', async () => {
    const a = await create(CONTACT);
    const b = await create(CONTACT);
    const c = await create(CONTACT);
    const del = (id: string, type: string) =>
      ews
        .call(
          `<m:DeleteItem DeleteType="${type}"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:DeleteItem>`,
        )
        .then(firstMessage);
    expect(responseCode(await del(a.id, 'MoveToDeletedItems'))).toBe('NoError');
    expect(sb.store.item(ada.id, a.id)?.folderId).toBe(
      sb.store.distinguishedFolder(ada.id, 'deleteditems')!.id,
    );
    expect(responseCode(await del(b.id, 'HardDelete'))).toBe('NoError');
    expect(sb.store.item(ada.id, b.id)).toBeUndefined();
    expect(responseCode(await del(b.id, 'HardDelete'))).toBe('ErrorItemNotFound');
    const moved = firstMessage(
      await ews.call(
        `<m:MoveItem><m:ToFolderId><t:DistinguishedFolderId Id="deleteditems"/></m:ToFolderId><m:ItemIds><t:ItemId Id="${c.id}"/></m:ItemIds></m:MoveItem>`,
      ),
    );
    expect(responseCode(moved)).toBe('NoError');
    expect(sb.store.item(ada.id, c.id)?.folderId).toBe(
      sb.store.distinguishedFolder(ada.id, 'deleteditems')!.id,
    );
  });

  it('refuses a DeleteItem without DeleteType as a schema violation', async () => {
    const answer = await ews.call('<m:DeleteItem><m:ItemIds><t:ItemId Id="x"/></m:ItemIds></m:DeleteItem>', {
      record: false,
    });
    expect(faultCode(answer)).toBe('ErrorSchemaValidation');
  });
});
