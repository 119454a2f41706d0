// Contacts CSV against the CRM core on the test engine: the round trip keeps every value,
// hostile files are refused or reported row by row, access rules hold.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Contact, emailAddress, PHONE_TYPES } from '../src/crm/index.ts';
import type { Principal } from '../src/crm/principal.ts';
import { CsvSyntaxError, decodeCsv, exportContactsCsvText, importContactsCsv } from '../src/csv/index.ts';
import { formatCsvRecord, parseCsv } from '../src/csv/rfc4180.ts';
import { type CrmFixture, setupCrm } from './support/crm-fixture.ts';

let f: CrmFixture;
beforeAll(async () => {
  f = await setupCrm();
});
afterAll(async () => {
  await f?.close();
});

let userCount = 0;
async function freshUser(): Promise<Principal> {
  userCount++;
  const user = await f.crm.users.createUser({
    email: `csv-${userCount}@example.test`,
    displayName: `CSV ${userCount}`,
  });
  return f.crm.users.principalFor(user.id);
}

async function allContacts(principal: Principal): Promise<Contact[]> {
  const out: Contact[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof f.crm.contacts.list>> = await f.crm.contacts.list(principal, {
      cursor,
      limit: 500,
    });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** What a contact holds apart from ids, timestamps and links that depend on the store. */
function content(c: Contact) {
  const compact = (o: object) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
  return {
    type: c.type,
    displayName: c.displayName,
    namePrefix: c.namePrefix,
    givenName: c.givenName,
    middleName: c.middleName,
    familyName: c.familyName,
    nameSuffix: c.nameSuffix,
    nickname: c.nickname,
    companyName: c.companyName,
    jobTitle: c.jobTitle,
    department: c.department,
    birthday: c.birthday,
    notes: c.notes,
    emails: c.emails,
    phones: c.phones,
    addresses: c.addresses.map(compact),
    websites: c.websites,
    categories: c.categories,
    groups: c.groups.map((g) => g.name).sort(),
  };
}

/** The CSV without its Id column: a file moved to another Exsync, or to a new user. */
function withoutIds(text: string): string {
  const records = parseCsv(text, ';');
  const at = records[0].fields.indexOf('Id');
  return records
    .map((r) =>
      formatCsvRecord(
        r.fields.filter((_, i) => i !== at),
        ';',
      ),
    )
    .join('');
}

const tricky = fc.constantFrom(
  'a',
  'Z',
  ' ',
  ',',
  ';',
  '"',
  "'",
  '=',
  '+',
  '-',
  '@',
  '\n',
  '\r',
  'ü',
  'ß',
  '😀',
  '\\',
  '\t',
);
const text = (max: number) =>
  fc.oneof(fc.string({ unit: tricky, maxLength: max }), fc.string({ unit: 'grapheme', maxLength: max }));
const name = fc.option(
  text(30)
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
  { nil: null },
);
const email = fc.emailAddress().filter((a) => a.length <= 100 && emailAddress.safeParse(a).success);

const contactInput = fc.record({
  type: fc.constantFrom('employee', 'customer', 'other'),
  displayName: text(30)
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
  namePrefix: name,
  givenName: name,
  middleName: name,
  familyName: name,
  nameSuffix: name,
  nickname: name,
  companyName: name,
  jobTitle: name,
  department: name,
  birthday: fc.option(
    fc
      .date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date('2100-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10)),
    { nil: null },
  ),
  notes: fc.option(
    text(200).filter((s) => s.length > 0),
    { nil: null },
  ),
  emails: fc.array(fc.record({ type: fc.constantFrom('work', 'home', 'other'), address: email }), {
    maxLength: 6,
  }),
  phones: fc.array(
    fc.record({
      type: fc.constantFrom(...PHONE_TYPES),
      number: fc
        .oneof(
          fc.constant('+49 30 1234567'),
          text(20).map((s) => s.trim()),
        )
        .filter((s) => s.length > 0),
    }),
    { maxLength: 6 },
  ),
  addresses: fc.array(
    fc.record(
      {
        type: fc.constantFrom('work', 'home', 'other'),
        street: text(40)
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
        city: name.map((s) => s ?? undefined).filter((s) => s !== undefined),
        region: name.map((s) => s ?? undefined).filter((s) => s !== undefined),
        postalCode: fc
          .string({ unit: tricky, maxLength: 10 })
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
        country: name.map((s) => s ?? undefined).filter((s) => s !== undefined),
      },
      { requiredKeys: ['type'] },
    ),
    { maxLength: 4 },
  ),
  websites: fc.array(
    fc.record({
      type: fc.constantFrom('work', 'personal', 'other'),
      url: fc
        .oneof(
          fc.webUrl(),
          text(30).map((s) => s.trim()),
        )
        .filter((s) => s.length > 0),
    }),
    { maxLength: 3 },
  ),
  categories: fc.uniqueArray(
    text(15)
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    { maxLength: 4 },
  ),
  groupNames: fc.uniqueArray(fc.constantFrom('VIP', 'Presse; Medien', 'Kunden\\Nord', '=Formel'), {
    maxLength: 3,
  }),
});

describe('contacts CSV round trip', () => {
  it('keeps every value of random contacts: export, then import as another user', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(contactInput, { minLength: 1, maxLength: 8 }), async (inputs) => {
        const source = await freshUser();
        const target = await freshUser();
        const groupIds = new Map<string, string>();
        for (const groupName of ['VIP', 'Presse; Medien', 'Kunden\\Nord', '=Formel'])
          groupIds.set(groupName, (await f.crm.contactGroups.create(source, { name: groupName })).id);
        await f.crm.contacts.createMany(
          source,
          inputs.map(({ groupNames, ...rest }) => ({
            ...rest,
            groupIds: groupNames.map((g) => groupIds.get(g)!),
          })),
        );
        const before = (await allContacts(source)).map(content);

        const csv = await exportContactsCsvText(f.crm, source, { delimiter: ';', bom: true });
        const cells = parseCsv(csv, ';').flatMap((r) => r.fields);
        expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
        const summary = await importContactsCsv(f.crm, target, withoutIds(csv));
        expect(summary.failed).toEqual([]);
        expect(summary.created).toBe(inputs.length);

        const after = (await allContacts(target)).map(content);
        const key = (c: ReturnType<typeof content>) => JSON.stringify(c);
        expect(after.map(key).sort()).toEqual(before.map(key).sort());
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it('updates the contacts named by Id and creates rows without one', async () => {
    const user = await freshUser();
    const [anna] = await f.crm.contacts.createMany(user, [
      { givenName: 'Anna', familyName: 'Alt', emails: [{ type: 'work', address: 'anna@example.test' }] },
    ]);
    const csv = await exportContactsCsvText(f.crm, user);
    const edited = csv.replaceAll('Alt', 'Neu') + formatCsvRecord(['', 'customer', 'Bert Neu']);
    const summary = await importContactsCsv(f.crm, user, edited);
    expect(summary).toMatchObject({ created: 1, updated: 1, failed: [] });
    const after = await f.crm.contacts.get(user, anna.id);
    expect(after.familyName).toBe('Neu');
    expect(after.emails).toEqual([{ type: 'work', address: 'anna@example.test' }]);
    expect((await allContacts(user)).map((c) => c.displayName).sort()).toEqual(['Anna Neu', 'Bert Neu']);
  });
});

describe('contacts CSV import, hostile and unusual input', () => {
  it('refuses a file with an unterminated quote, naming the line', async () => {
    const user = await freshUser();
    await expect(
      importContactsCsv(f.crm, user, 'First Name,Notes\r\nAnna,ok\r\nBert,"open\r\nCarl,x\r\n'),
    ).rejects.toSatisfy((e: unknown) => e instanceof CsvSyntaxError && e.line === 3);
    expect(await allContacts(user)).toEqual([]);
  });

  it('ignores unknown columns with a warning', async () => {
    const user = await freshUser();
    const summary = await importContactsCsv(f.crm, user, 'First Name,Shoe Size\r\nAnna,39\r\n');
    expect(summary.created).toBe(1);
    expect(summary.warnings).toEqual([
      { column: 'Shoe Size', message: 'column "Shoe Size" is not known and was ignored' },
    ]);
  });

  it('reports bad rows by line and column and writes the good ones only', async () => {
    const user = await freshUser();
    const huge = 'x'.repeat(1_000_001);
    const file = [
      'First Name,Last Name,Birthday,Email 1 Type,Email 1 Address,Notes',
      'Anna,Gut,1980-05-01,work,anna@example.test,"multi\nline"',
      `Bert,Riesig,,,,${huge}`,
      'Carl,Datum,31.02.1990,,,',
      'Dora,Mail,,home,not-an-email,',
      'Emil,Typ,,boss,emil@example.test,',
      ',,,,,',
      'Fritz,Gut,2.3.1970,,,',
    ].join('\r\n');
    const summary = await importContactsCsv(f.crm, user, file);
    expect(summary.created).toBe(2);
    expect(summary.failed.map((r) => [r.line, r.errors.map((e) => e.field)])).toEqual([
      [4, ['Notes']],
      [5, ['Birthday']],
      [6, ['Email 1 Address']],
      [7, ['Email 1 Type']],
    ]);
    expect(summary.failed[1].errors[0].message).toMatch(/not a day of the calendar/);
    const names = (await allContacts(user)).map((c) => [c.displayName, c.birthday, c.notes]);
    expect(names.sort()).toEqual([
      ['Anna Gut', '1980-05-01', 'multi\nline'],
      ['Fritz Gut', '1970-03-02', null],
    ]);
  });

  it('a failing row inside a batch leaves the rest of the batch written and itself unwritten', async () => {
    const user = await freshUser();
    const otherGroup = await f.crm.contactGroups.create(f.alice, { name: 'Alices' });
    expect(otherGroup.id).toBeTruthy();
    // A row with an account the user cannot see is kept as company name, never linked.
    await f.crm.accounts.create(f.alice, { name: 'Hidden AG' });
    const summary = await importContactsCsv(f.crm, user, 'First Name,Account\r\nA,Hidden AG\r\nB,\r\n');
    expect(summary).toMatchObject({ created: 2, failed: [] });
    const contacts = await allContacts(user);
    expect(contacts.map((c) => [c.givenName, c.accountId, c.companyName]).sort()).toEqual([
      ['A', null, 'Hidden AG'],
      ['B', null, null],
    ]);
  });

  it('links the account when exactly one visible account has the name', async () => {
    const user = await freshUser();
    const acme = await f.crm.accounts.create(user, { name: 'ACME GmbH' });
    const summary = await importContactsCsv(f.crm, user, 'First Name;Account\r\nAnna;  acme   gmbh \r\n');
    expect(summary.created).toBe(1);
    const [anna] = await allContacts(user);
    expect(anna.accountId).toBe(acme.id);
    const csv = await exportContactsCsvText(f.crm, user);
    expect(csv).toContain(',ACME GmbH,');
  });

  it('refuses rows whose Id the user cannot edit, with a clear message', async () => {
    const user = await freshUser();
    const [own] = await f.crm.contacts.createMany(f.alice, [
      { givenName: 'Secret' },
      { givenName: 'Shared' },
    ]);
    const shared = (await allContacts(f.alice)).find((c) => c.givenName === 'Shared')!;
    await f.crm.shares.share(f.alice, {
      recordType: 'contact',
      recordId: shared.id,
      principalType: 'user',
      principalId: user.userId,
      level: 'read',
    });
    const summary = await importContactsCsv(
      f.crm,
      user,
      `Id,First Name\r\n${own.id},Hacked\r\n${shared.id},Hacked\r\n`,
    );
    expect(summary.created + summary.updated).toBe(0);
    expect(summary.failed[0]).toEqual({
      line: 2,
      errors: [{ field: 'Id', message: expect.stringMatching(/no contact with id .* or you cannot see it/) }],
    });
    expect(summary.failed[1].errors[0].message).toMatch(/you may only read contact/);
    expect((await f.crm.contacts.get(f.alice, own.id)).givenName).toBe('Secret');
  });

  it('writes nothing in a dry run but reports the same counts', async () => {
    const user = await freshUser();
    const summary = await importContactsCsv(f.crm, user, 'First Name,Groups\r\nAnna,New Group\r\nBert,\r\n', {
      dryRun: true,
    });
    expect(summary).toMatchObject({ dryRun: true, created: 2, updated: 0, failed: [] });
    expect(await allContacts(user)).toEqual([]);
    expect((await f.crm.contactGroups.list(user)).items).toEqual([]);
  });

  it('imports a file exported by Outlook, and Windows-1252 files from German Excel', async () => {
    const user = await freshUser();
    const outlook = [
      'Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Street,Business Street 2,Business City,Business State,Business Postal Code,Business Country/Region,Home Street,Home City,Home Postal Code,Business Phone,Business Phone 2,Home Phone,Mobile Phone,Birthday,Categories,E-mail Address,E-mail Type,E-mail 2 Address,E-mail 3 Address,Notes,Web Page',
      'Dr.,Hans,Peter,Müller,Jr.,Müller & Söhne,Vertrieb,Leiter,Hauptstr. 1,Hinterhaus,Berlin,BE,10115,Germany,Gartenweg 2,Potsdam,14467,+49 30 111,+49 30 222,+49 331 333,+49 171 444,4/15/1970,VIP;Presse,hans@example.test,SMTP,hans.privat@example.test,h@example.test,"Notiz, mit Komma",https://example.test',
    ].join('\r\n');
    const summary = await importContactsCsv(f.crm, user, outlook);
    expect(summary.failed).toEqual([]);
    expect(summary.warnings.map((w) => w.column)).toEqual(['E-mail Type']);
    const [hans] = await allContacts(user);
    expect(hans).toMatchObject({
      namePrefix: 'Dr.',
      givenName: 'Hans',
      middleName: 'Peter',
      familyName: 'Müller',
      nameSuffix: 'Jr.',
      displayName: 'Hans Peter Müller',
      companyName: 'Müller & Söhne',
      department: 'Vertrieb',
      jobTitle: 'Leiter',
      birthday: '1970-04-15',
      categories: ['VIP', 'Presse'],
      notes: 'Notiz, mit Komma',
      emails: [
        { type: 'other', address: 'hans@example.test' },
        { type: 'other', address: 'hans.privat@example.test' },
        { type: 'other', address: 'h@example.test' },
      ],
      phones: [
        { type: 'work', number: '+49 30 111' },
        { type: 'work2', number: '+49 30 222' },
        { type: 'home', number: '+49 331 333' },
        { type: 'mobile', number: '+49 171 444' },
      ],
      addresses: [
        {
          type: 'work',
          street: 'Hauptstr. 1\nHinterhaus',
          city: 'Berlin',
          region: 'BE',
          postalCode: '10115',
          country: 'Germany',
        },
        { type: 'home', street: 'Gartenweg 2', city: 'Potsdam', postalCode: '14467' },
      ],
      websites: [{ type: 'work', url: 'https://example.test' }],
    });

    const latin1 = Uint8Array.from(
      [...'First Name;Last Name\r\nJ', 0xfc, ...'rgen;Gro', 0xdf, 0x0d, 0x0a].map((c) =>
        typeof c === 'string' ? c.charCodeAt(0) : c,
      ),
    );
    const decoded = decodeCsv(latin1);
    expect(decoded.warning?.message).toMatch(/not UTF-8/);
    const german = await importContactsCsv(f.crm, user, decoded.text);
    expect(german.created).toBe(1);
    expect((await allContacts(user)).some((c) => c.displayName === 'Jürgen Groß')).toBe(true);
  });

  it('guards formulas on export and exports only what the user sees', async () => {
    const user = await freshUser();
    await f.crm.contacts.create(user, {
      givenName: '=HYPERLINK("http://evil")',
      notes: '@SUM(1)',
      phones: [{ type: 'mobile', number: '+49 1' }],
    });
    await f.crm.contacts.create(f.bob, { givenName: 'Invisible' });
    const csv = await exportContactsCsvText(f.crm, user);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain(`'@SUM(1)`);
    expect(csv).toContain(`'+49 1`);
    expect(csv).not.toContain('Invisible');
    const header = parseCsv(csv)[0].fields;
    expect(header).toContain('Phone 1 Number');
    expect(header).not.toContain('Phone 2 Number');
    expect(header).not.toContain('Email 1 Address');
  });
});
