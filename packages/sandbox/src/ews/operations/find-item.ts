// FindItem: paged item lists, and CalendarView, which expands recurring series into occurrences.

import { occurrencesBetween } from '@exsync/common/recurrence';
import type { AnyItem, Item, Occurrence } from '../../model.ts';
import { EwsError, EwsFault } from '../errors.ts';
import { itemXml, NOT_IN_FIND_ITEM } from '../mapping/item.ts';
import { readShape } from '../mapping/shape.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { parseDateTime } from '../time/datetime.ts';
import { childElement, type XElement } from '../xml/parse.ts';
import { el } from '../xml/write.ts';
import { type OperationContext, requiredList, resolveFolder, storeErrorToEws } from './context.ts';
import { paginate, readIndexedPage } from './folders.ts';
import { itemAccessor, readRestriction, sortBy } from './restriction.ts';

interface CalendarWindow {
  start: number;
  end: number;
  max?: number;
}

function readCalendarView(op: OperationContext, view: XElement): CalendarWindow {
  const { StartDate, EndDate, MaxEntriesReturned } = view.attrs;
  if (!StartDate || !EndDate) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      'The request failed schema validation: CalendarView needs StartDate and EndDate.',
    );
  }
  const start = parseDateTime(StartDate, op.timeZone);
  const end = parseDateTime(EndDate, op.timeZone);
  const max = MaxEntriesReturned !== undefined ? Number(MaxEntriesReturned) : undefined;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      'The request failed schema validation: MaxEntriesReturned must be at least 1.',
    );
  }
  return { start, end, max };
}

/** The singles and occurrences a calendar shows in a window, by start time. */
export function calendarEntries(
  items: AnyItem[],
  from: number,
  to: number,
): Array<{ item: Item<'event'>; occurrence?: Occurrence }> {
  const out: Array<{ item: Item<'event'>; occurrence?: Occurrence; start: number }> = [];
  for (const it of items) {
    if (it.kind !== 'event') continue;
    const event = it as Item<'event'>;
    if (event.data.recurrence) {
      for (const occurrence of occurrencesBetween(event.data, from, to))
        out.push({ item: event, occurrence, start: occurrence.start });
    } else {
      const s = Date.parse(event.data.start);
      const e = Date.parse(event.data.end);
      // A zero-length item at the window start still shows, as in Outlook.
      if (s < to && (e > from || (s === e && s >= from))) out.push({ item: event, start: s });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

export function findItem(op: OperationContext, request: XElement): string {
  const shape = readShape(childElement(request, 'ItemShape'), op.precision, op.version);
  const traversal = request.attrs.Traversal ?? 'Shallow';
  if (!['Shallow', 'SoftDeleted', 'Associated'].includes(traversal)) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: Traversal "${traversal}" is not valid for FindItem.`,
    );
  }
  const calendarView = childElement(request, 'CalendarView');
  const window = calendarView ? readCalendarView(op, calendarView) : undefined;
  const page = readIndexedPage(childElement(request, 'IndexedPageItemView'));
  const get = itemAccessor(op.mailbox.address);
  const messages = requiredList(request, 'ParentFolderIds').map((ref) => {
    try {
      // A path Exchange cannot search answers in the response message, not as a fault.
      const restriction = readRestriction(childElement(request, 'Restriction'), get);
      const order = sortBy(childElement(request, 'SortOrder'), get);
      const { mailbox, folder } = resolveFolder(op, ref);
      const all = traversal === 'Shallow' ? op.sandbox.store.items(mailbox.id, folder.id) : [];
      if (window) {
        if (window.end < window.start) {
          throw new EwsError(
            'ErrorCalendarEndDateIsEarlierThanStartDate',
            'The EndDate of the CalendarView is earlier than its StartDate.',
          );
        }
        if (restriction)
          throw new EwsError('ErrorInvalidRequest', 'A CalendarView cannot be combined with a Restriction.');
        const entries = calendarEntries(all, window.start, window.end);
        const shown = window.max !== undefined ? entries.slice(0, window.max) : entries;
        return successMessage(
          'FindItemResponseMessage',
          el(
            'm:RootFolder',
            { TotalItemsInView: entries.length, IncludesLastItemInRange: shown.length === entries.length },
            el(
              't:Items',
              null,
              ...shown.map((e) => itemXml(e.item, shape, mailbox.address, e.occurrence, NOT_IN_FIND_ITEM)),
            ),
          ),
        );
      }
      let found = restriction ? all.filter(restriction) : [...all];
      if (order) found.sort(order);
      else if (folder.folderClass === 'IPF.Note') {
        found = found.sort((a, b) => received(b) - received(a));
      }
      const { items, attrs } = paginate(found, page);
      return successMessage(
        'FindItemResponseMessage',
        el(
          'm:RootFolder',
          attrs,
          el(
            't:Items',
            null,
            ...items.map((i) => itemXml(i, shape, mailbox.address, undefined, NOT_IN_FIND_ITEM)),
          ),
        ),
      );
    } catch (error) {
      return errorMessage('FindItemResponseMessage', storeErrorToEws(error));
    }
  });
  return operationResponse('FindItem', messages);
}

function received(i: AnyItem): number {
  return Date.parse(
    i.kind === 'message' ? (i.data.receivedDateTime ?? i.createdDateTime) : i.createdDateTime,
  );
}
