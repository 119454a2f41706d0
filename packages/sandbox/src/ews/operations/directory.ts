// Operations clients call on their own before doing anything else: ConvertId (some use it to
// learn the server version or to sign in), GetServerTimeZones (before free/busy) and
// ResolveNames (address completion).

import { windowsZoneNames } from '@exsync/common/time';
import type { ContactData, Item, Mailbox } from '../../model.ts';
import { EwsError, EwsFault } from '../errors.ts';
import { errorMessage, operationResponse, successMessage, warningMessage } from '../responses.ts';
import { ruleZoneFromIana, type TransitionRule } from '../time/serializable-zone.ts';
import { childElement, childElements, childText, type XElement } from '../xml/parse.ts';
import { el, leaf } from '../xml/write.ts';
import type { OperationContext } from './context.ts';

// ---- ConvertId ----

const ID_FORMATS = ['EwsLegacyId', 'EwsId', 'EntryId', 'HexEntryId', 'StoreId', 'OwaId'] as const;
type IdFormat = (typeof ID_FORMATS)[number];

/**
 * The sandbox's ids are opaque strings. EwsId, EwsLegacyId and OwaId carry them as they are;
 * EntryId and StoreId carry their bytes in base64, HexEntryId in upper-case hex, so every
 * format converts back to the same id.
 */
function toRaw(id: string, format: IdFormat): string {
  switch (format) {
    case 'EntryId':
    case 'StoreId':
      return Buffer.from(id, 'base64').toString('utf8');
    case 'HexEntryId':
      if (!/^([0-9A-Fa-f]{2})+$/.test(id))
        throw new EwsError('ErrorInvalidIdMalformed', 'The HexEntryId is not hexadecimal.');
      return Buffer.from(id, 'hex').toString('utf8');
    default:
      return id;
  }
}

function fromRaw(raw: string, format: IdFormat): string {
  switch (format) {
    case 'EntryId':
    case 'StoreId':
      return Buffer.from(raw, 'utf8').toString('base64');
    case 'HexEntryId':
      return Buffer.from(raw, 'utf8').toString('hex').toUpperCase();
    default:
      return raw;
  }
}

export function convertId(op: OperationContext, request: XElement): string {
  const destination = request.attrs.DestinationFormat as IdFormat | undefined;
  if (!destination || !ID_FORMATS.includes(destination)) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: DestinationFormat "${destination ?? ''}" is not valid.`,
    );
  }
  const list = childElement(request, 'SourceIds');
  if (!list || list.children.length === 0) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      "The request failed schema validation: 'SourceIds' needs at least one id.",
    );
  }
  const store = op.sandbox.store;
  const messages = list.children.map((source) => {
    try {
      const format = source.attrs.Format as IdFormat;
      if (!ID_FORMATS.includes(format))
        throw new EwsError('ErrorInvalidIdMalformed', `Format "${format}" is not an id format.`);
      const id = source.attrs.Id ?? '';
      if (!id) throw new EwsError('ErrorInvalidIdEmpty', 'The id is empty.');
      const address = source.attrs.Mailbox ?? op.mailbox.address;
      const mailbox = store.mailbox(address);
      if (!mailbox || mailbox.tenantId !== op.mailbox.tenantId) {
        throw new EwsError('ErrorNonExistentMailbox', `No mailbox with the SMTP address ${address} exists.`);
      }
      const raw = toRaw(id, format);
      if (!store.item(mailbox.id, raw) && !store.folder(mailbox.id, raw)) {
        throw new EwsError(
          'ErrorInvalidIdMalformed',
          'Id is malformed: it names no item or folder of the mailbox.',
        );
      }
      return successMessage(
        'ConvertIdResponseMessage',
        el('m:AlternateId', {
          'xsi:type': 't:AlternateIdType',
          Format: destination,
          Id: fromRaw(raw, destination),
          Mailbox: mailbox.address,
        }),
      );
    } catch (error) {
      if (!(error instanceof EwsError)) throw error;
      return errorMessage('ConvertIdResponseMessage', error);
    }
  });
  return operationResponse('ConvertId', messages);
}

// ---- GetServerTimeZones ----

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function duration(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const m = Math.abs(minutes);
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return `${sign}PT${h > 0 || rest === 0 ? `${h}H` : ''}${rest > 0 ? `${rest}M` : ''}`;
}

function timeOffset(time: string): string {
  const [h, m, s] = time.split(':').map(Number);
  return `PT${h}H${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
}

function displayName(windows: string, biasMinutes: number): string {
  const offset = -biasMinutes;
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const hh = String(Math.floor(a / 60)).padStart(2, '0');
  const mm = String(a % 60).padStart(2, '0');
  return windows === 'UTC' ? '(UTC) Coordinated Universal Time' : `(UTC${sign}${hh}:${mm}) ${windows}`;
}

/** A TimeZoneDefinition as Exchange 2010 SP1 and later write it: periods, one group, one transition. */
export function timeZoneDefinitionXml(windows: string, iana: string, full: boolean, year: number): string {
  const zone = ruleZoneFromIana(iana, year);
  const attrs = { Id: windows, Name: displayName(windows, zone.bias) };
  if (!full) return el('t:TimeZoneDefinition', attrs);
  const rule = (kind: string) => `trule:Microsoft/Registry/${windows}/${year}-${kind}`;
  const hasDst = zone.daylight.month !== 0;
  const periods = [el('t:Period', { Bias: duration(zone.bias), Name: 'Standard', Id: rule('Standard') })];
  if (hasDst) {
    periods.push(
      el('t:Period', {
        Bias: duration(zone.bias + zone.daylight.bias),
        Name: 'Daylight',
        Id: rule('Daylight'),
      }),
    );
  }
  const recurring = (r: TransitionRule, kind: string) =>
    el(
      't:RecurringDayTransition',
      null,
      leaf('t:To', rule(kind), { Kind: 'Period' }),
      leaf('t:TimeOffset', timeOffset(r.time)),
      leaf('t:Month', r.month),
      leaf('t:DayOfWeek', DAYS[r.dayOfWeek]),
      leaf('t:Occurrence', r.dayOrder === 5 ? -1 : r.dayOrder),
    );
  const group = hasDst
    ? el(
        't:TransitionsGroup',
        { Id: '0' },
        recurring(zone.daylight, 'Daylight'),
        recurring(zone.standard, 'Standard'),
      )
    : el(
        't:TransitionsGroup',
        { Id: '0' },
        el('t:Transition', null, leaf('t:To', rule('Standard'), { Kind: 'Period' })),
      );
  return el(
    't:TimeZoneDefinition',
    attrs,
    el('t:Periods', null, ...periods),
    el('t:TransitionsGroups', null, group),
    el('t:Transitions', null, el('t:Transition', null, leaf('t:To', '0', { Kind: 'Group' }))),
  );
}

export function getServerTimeZones(op: OperationContext, request: XElement): string {
  const full =
    request.attrs.ReturnFullTimeZoneData !== 'false' && request.attrs.ReturnFullTimeZoneData !== '0';
  const wanted = childElements(childElement(request, 'Ids'), 'Id').map((i) => i.text.trim());
  const zones = windowsZoneNames();
  const year = new Date(op.sandbox.now()).getUTCFullYear();
  const byName = new Map(zones.map((z) => [z.windows.toLowerCase(), z]));
  const missing = wanted.filter((w) => !byName.has(w.toLowerCase()));
  if (missing.length > 0) {
    return operationResponse('GetServerTimeZones', [
      errorMessage(
        'GetServerTimeZonesResponseMessage',
        new EwsError(
          'ErrorTimeZone',
          `The time zone "${missing[0]}" is not a Windows time zone this server knows.`,
        ),
      ),
    ]);
  }
  const chosen = wanted.length > 0 ? wanted.map((w) => byName.get(w.toLowerCase())!) : zones;
  return operationResponse('GetServerTimeZones', [
    successMessage(
      'GetServerTimeZonesResponseMessage',
      el(
        'm:TimeZoneDefinitions',
        null,
        ...chosen.map((z) => timeZoneDefinitionXml(z.windows, z.iana, full, year)),
      ),
    ),
  ]);
}

// ---- ResolveNames ----

interface Candidate {
  name: string;
  address: string;
  mailboxType: 'Mailbox' | 'Contact';
  itemId?: string;
  contact?: ContactData;
}

function contactCandidates(op: OperationContext, mailbox: Mailbox): Candidate[] {
  const store = op.sandbox.store;
  const out: Candidate[] = [];
  const contactFolders = store.folders(mailbox.id).filter((f) => f.folderClass === 'IPF.Contact');
  for (const folder of contactFolders) {
    for (const item of store.items(mailbox.id, folder.id)) {
      if (item.kind !== 'contact') continue;
      const c = (item as Item<'contact'>).data;
      for (const e of c.emailAddresses) {
        out.push({
          name: c.displayName ?? [c.givenName, c.surname].filter(Boolean).join(' '),
          address: e.address,
          mailboxType: 'Contact',
          itemId: item.id,
          contact: c,
        });
      }
    }
  }
  return out;
}

function matches(c: Candidate, query: string): boolean {
  const q = query.toLowerCase().replace(/^smtp:/, '');
  if (c.address.toLowerCase() === q) return true;
  const words = [c.name, ...c.name.split(/\s+/), c.address, c.address.split('@')[0]].map((w) =>
    w.toLowerCase(),
  );
  return words.some((w) => w.startsWith(q));
}

function resolutionXml(c: Candidate, fullContact: boolean): string {
  const mailbox = el(
    't:Mailbox',
    null,
    leaf('t:Name', c.name),
    leaf('t:EmailAddress', c.address),
    leaf('t:RoutingType', 'SMTP'),
    leaf('t:MailboxType', c.mailboxType),
    c.itemId ? el('t:ItemId', { Id: c.itemId }) : '',
  );
  const contact =
    fullContact && c.contact
      ? el(
          't:Contact',
          null,
          leaf('t:DisplayName', c.name),
          leaf('t:GivenName', c.contact.givenName),
          leaf('t:CompanyName', c.contact.companyName),
          el('t:EmailAddresses', null, leaf('t:Entry', `SMTP:${c.address}`, { Key: 'EmailAddress1' })),
          leaf('t:JobTitle', c.contact.jobTitle),
          leaf('t:Surname', c.contact.surname),
        )
      : fullContact
        ? el(
            't:Contact',
            null,
            leaf('t:DisplayName', c.name),
            el('t:EmailAddresses', null, leaf('t:Entry', `SMTP:${c.address}`, { Key: 'EmailAddress1' })),
          )
        : '';
  return el('t:Resolution', null, mailbox, contact);
}

export function resolveNames(op: OperationContext, request: XElement): string {
  const query = childText(request, 'UnresolvedEntry')?.trim() ?? '';
  if (!query)
    throw new EwsFault(
      'ErrorSchemaValidation',
      'The request failed schema validation: UnresolvedEntry is required.',
    );
  const scope = request.attrs.SearchScope ?? 'ActiveDirectoryContacts';
  const full = request.attrs.ReturnFullContactData === 'true' || request.attrs.ReturnFullContactData === '1';
  const store = op.sandbox.store;
  const directory: Candidate[] = store
    .mailboxes(op.mailbox.tenantId)
    .map((m) => ({ name: m.displayName, address: m.address, mailboxType: 'Mailbox' as const }));
  const contacts = contactCandidates(op, op.mailbox);
  const pool =
    scope === 'ActiveDirectory'
      ? directory
      : scope === 'Contacts'
        ? contacts
        : scope === 'ContactsActiveDirectory'
          ? [...contacts, ...directory]
          : [...directory, ...contacts];
  const found = pool.filter((c) => matches(c, query)).slice(0, 100);
  if (found.length === 0) {
    return operationResponse('ResolveNames', [
      errorMessage(
        'ResolveNamesResponseMessage',
        new EwsError('ErrorNameResolutionNoResults', 'No results were found.'),
      ),
    ]);
  }
  const set = el(
    'm:ResolutionSet',
    { TotalItemsInView: found.length, IncludesLastItemInRange: true },
    ...found.map((c) => resolutionXml(c, full)),
  );
  if (found.length > 1) {
    return operationResponse('ResolveNames', [
      warningMessage(
        'ResolveNamesResponseMessage',
        'ErrorNameResolutionMultipleResults',
        'Multiple results were found.',
        set,
      ),
    ]);
  }
  return operationResponse('ResolveNames', [successMessage('ResolveNamesResponseMessage', set)]);
}
