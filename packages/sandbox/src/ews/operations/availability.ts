// GetUserAvailability: free/busy from each mailbox's calendars, recurrences expanded, in the
// time zone the request describes (SerializableTimeZone), merged into intervals on request.

import { ianaZoneOrUtc } from '@exsync/common/time';
import { statusPerInterval } from '../../calendar/free-busy.ts';
import type { AnyItem, Item, Mailbox, ShowAs } from '../../model.ts';
import { EwsError, EwsFault } from '../errors.ts';
import { showAsXml } from '../mapping/calendar.ts';
import {
  formatLocal,
  type RuleZone,
  readRuleZone,
  ruleZoneFromIana,
  ruleZoneFromUtc,
  ruleZoneToUtc,
  ruleZoneXml,
} from '../time/serializable-zone.ts';
import { childElement, childText, type XElement } from '../xml/parse.ts';
import { el, esc, leaf } from '../xml/write.ts';
import { type OperationContext, requiredList } from './context.ts';
import { calendarEntries } from './find-item.ts';

const VIEWS = ['None', 'MergedOnly', 'FreeBusy', 'FreeBusyMerged', 'Detailed', 'DetailedMerged'];
/** Merged free/busy characters (MS-OXWSAVAIL): 0 free … 4 working elsewhere, 5 no data. */
const MERGED_CODE: Record<ShowAs, number> = {
  free: 0,
  tentative: 1,
  busy: 2,
  oof: 3,
  workingElsewhere: 4,
  unknown: 5,
};
/** Exchange refuses free/busy windows longer than 62 days. */
const MAX_WINDOW_DAYS = 62;

/** Parses a zoneless request time as local time in the request's zone. */
function localToUtc(zone: RuleZone, text: string | undefined, what: string): number {
  const m = text
    ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim())
    : null;
  if (!m)
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: ${what} is not an xs:dateTime.`,
    );
  if (m[7]) return Date.parse(text!.trim());
  const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return ruleZoneToUtc(zone, local);
}

interface Busy {
  start: number;
  end: number;
  showAs: ShowAs;
  item: Item<'event'>;
  isException: boolean;
  isRecurring: boolean;
  subject: string;
  location: string;
}

function busyTimes(op: OperationContext, mailbox: Mailbox, from: number, to: number): Busy[] {
  const store = op.sandbox.store;
  const items: AnyItem[] = store
    .folders(mailbox.id)
    .filter((f) => f.folderClass === 'IPF.Appointment')
    .flatMap((f) => store.items(mailbox.id, f.id));
  return calendarEntries(items, from, to)
    .map(({ item, occurrence }): Busy => {
      const ov = occurrence?.override;
      return {
        start: occurrence ? occurrence.start : Date.parse(item.data.start),
        end: occurrence ? occurrence.end : Date.parse(item.data.end),
        showAs: ov?.showAs ?? item.data.showAs,
        item,
        isException: ov !== undefined,
        isRecurring: occurrence !== undefined,
        subject: ov?.subject ?? item.data.subject,
        location: ov?.location ?? item.data.location ?? '',
      };
    })
    .filter(
      (b) =>
        b.showAs !== 'free' &&
        !b.item.data.isCancelled &&
        !b.item.data.modifiedOccurrences.find((o) => o.start && Date.parse(o.start) === b.start)?.isCancelled,
    );
}

function mergedString(busy: Busy[], from: number, to: number, intervalMinutes: number): string {
  return statusPerInterval(busy, from, to, intervalMinutes)
    .map((status) => MERGED_CODE[status])
    .join('');
}

function workingHoursXml(mailbox: Mailbox, year: number): string {
  const zone = ruleZoneFromIana(ianaZoneOrUtc(mailbox.timeZone), year);
  return el(
    't:WorkingHours',
    null,
    ruleZoneXml(zone),
    el(
      't:WorkingPeriodArray',
      null,
      el(
        't:WorkingPeriod',
        null,
        leaf('t:DayOfWeek', 'Monday Tuesday Wednesday Thursday Friday'),
        leaf('t:StartTimeInMinutes', 480),
        leaf('t:EndTimeInMinutes', 1020),
      ),
    ),
  );
}

export function getUserAvailability(op: OperationContext, request: XElement): string {
  const zone = readRuleZone(childElement(request, 'TimeZone'));
  const options = childElement(request, 'FreeBusyViewOptions');
  if (!options) {
    throw new EwsError(
      'ErrorInvalidRequest',
      'The sandbox answers free/busy requests only: add FreeBusyViewOptions.',
    );
  }
  const window = childElement(options, 'TimeWindow');
  const from = localToUtc(zone, childText(window, 'StartTime'), 'StartTime');
  const to = localToUtc(zone, childText(window, 'EndTime'), 'EndTime');
  if (to <= from || to - from > MAX_WINDOW_DAYS * 86400000) {
    throw new EwsError(
      'ErrorInvalidTimeInterval',
      `The time window must end after it starts and span at most ${MAX_WINDOW_DAYS} days.`,
    );
  }
  const interval = Number(childText(options, 'MergedFreeBusyIntervalInMinutes') ?? 30);
  if (!Number.isInteger(interval) || interval < 5 || interval > 1440) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      'The request failed schema validation: MergedFreeBusyIntervalInMinutes must be 5–1440.',
    );
  }
  const view = childText(options, 'RequestedView') ?? 'FreeBusy';
  if (!VIEWS.includes(view))
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: RequestedView "${view}" is not valid.`,
    );
  const mailboxData = requiredList(request, 'MailboxDataArray');
  if (mailboxData.length === 0)
    throw new EwsError('ErrorMailboxDataArrayEmpty', 'MailboxDataArray must name at least one mailbox.');
  const detailed = view.startsWith('Detailed');
  const merged = view.endsWith('Merged') || view === 'MergedOnly';
  const local = (ms: number) => formatLocal(ruleZoneFromUtc(zone, ms));
  const responses = mailboxData.map((data) => {
    const address = childText(childElement(data, 'Email'), 'Address') ?? '';
    const mailbox = op.sandbox.store.mailbox(address);
    if (!mailbox || mailbox.tenantId !== op.mailbox.tenantId) {
      return el(
        'm:FreeBusyResponse',
        null,
        `<m:ResponseMessage ResponseClass="Error"><m:MessageText>${esc(`No mailbox with the address ${address} exists in this organization.`)}</m:MessageText><m:ResponseCode>ErrorMailRecipientNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:ResponseMessage>`,
        el('m:FreeBusyView', null, leaf('t:FreeBusyViewType', 'None')),
      );
    }
    const busy = busyTimes(op, mailbox, from, to);
    const events =
      view === 'MergedOnly' || view === 'None'
        ? ''
        : el(
            't:CalendarEventArray',
            null,
            ...busy.map((b) =>
              el(
                't:CalendarEvent',
                null,
                leaf('t:StartTime', local(b.start)),
                leaf('t:EndTime', local(b.end)),
                leaf('t:BusyType', showAsXml(b.showAs)),
                detailed
                  ? el(
                      't:CalendarEventDetails',
                      null,
                      leaf('t:ID', b.item.id),
                      leaf('t:Subject', b.item.data.sensitivity === 'private' ? '' : b.subject),
                      leaf('t:Location', b.location),
                      leaf('t:IsMeeting', b.item.data.attendees.length > 0),
                      leaf('t:IsRecurring', b.isRecurring),
                      leaf('t:IsException', b.isException),
                      leaf('t:IsReminderSet', b.item.data.isReminderOn),
                      leaf('t:IsPrivate', b.item.data.sensitivity === 'private'),
                    )
                  : '',
              ),
            ),
          );
    return el(
      'm:FreeBusyResponse',
      null,
      '<m:ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage>',
      el(
        'm:FreeBusyView',
        null,
        leaf('t:FreeBusyViewType', view),
        merged ? leaf('t:MergedFreeBusy', mergedString(busy, from, to, interval)) : '',
        events,
        view === 'None' ? '' : workingHoursXml(mailbox, new Date(from).getUTCFullYear()),
      ),
    );
  });
  return el('m:GetUserAvailabilityResponse', null, el('m:FreeBusyResponseArray', null, ...responses));
}
