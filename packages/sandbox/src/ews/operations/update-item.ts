// UpdateItem: SetItemField / AppendToItemField / DeleteItemField on plain and indexed field
// URIs, change-key conflict detection, occurrence exceptions, meeting updates.

import type {
  AnyItem,
  AttendeeType,
  ContactData,
  EventData,
  ExtendedProperty,
  Item,
  ItemKind,
  MessageData,
  OccurrenceOverride,
  TaskData,
} from '../../model.ts';
import { EwsError, EwsFault } from '../errors.ts';
import { occurrenceItemId } from '../ids.ts';
import { CALENDAR_FIELDS, readCalendarItem } from '../mapping/calendar.ts';
import { applyIndexedContactField, CONTACT_FIELDS, readContact } from '../mapping/contact.ts';
import {
  deleteExtended,
  readExtendedPath,
  readExtendedProperties,
  samePath,
  setExtended,
} from '../mapping/extended.ts';
import { MESSAGE_FIELDS, readMessage } from '../mapping/message.ts';
import { normaliseTask, readTask, TASK_FIELDS } from '../mapping/task.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { childElement, type XElement } from '../xml/parse.ts';
import { el } from '../xml/write.ts';
import { nowIso, type OperationContext, requiredList, storeErrorToEws } from './context.ts';
import { idXml, sendMessage } from './create-item.ts';
import { resolveItemRef } from './item-refs.ts';
import { checkMode, notifyOnUpdate, sendsOnUpdate, UPDATE_MODES } from './meetings.ts';

const CONFLICT_MODES = ['NeverOverwrite', 'AutoResolve', 'AlwaysOverwrite'];
const ELEMENT_KIND: Record<string, ItemKind> = {
  Contact: 'contact',
  CalendarItem: 'event',
  Task: 'task',
  Message: 'message',
};
const ATTENDEE_URIS: Record<string, AttendeeType> = {
  'calendar:RequiredAttendees': 'required',
  'calendar:OptionalAttendees': 'optional',
  'calendar:Resources': 'resource',
};

function conflict(): EwsError {
  return new EwsError(
    'ErrorIrresolvableConflict',
    'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item. Get the item again and retry with its current ChangeKey.',
  );
}

function readPartial(
  op: OperationContext,
  kind: ItemKind,
  itemEl: XElement,
  current: AnyItem,
): Record<string, unknown> {
  switch (kind) {
    case 'contact':
      return readContact(itemEl);
    case 'event': {
      const e = current.data as EventData;
      // Zoneless times in an update are read in the item's zone unless the update names one.
      return readCalendarItem(
        itemEl,
        childElement(itemEl, 'StartTimeZone') ? undefined : (op.timeZone ?? e.startTimeZone),
      );
    }
    case 'task':
      return readTask(itemEl, op.timeZone);
    case 'message':
      return readMessage(itemEl, op.timeZone);
  }
}

function fieldsFor(kind: ItemKind, uri: string): string[] | undefined {
  switch (kind) {
    case 'contact': {
      const f = CONTACT_FIELDS[uri];
      return f ? [f] : undefined;
    }
    case 'event':
      return CALENDAR_FIELDS[uri];
    case 'task':
      return TASK_FIELDS[uri];
    case 'message':
      return MESSAGE_FIELDS[uri];
  }
}

const EMPTY_ON_DELETE: Record<string, unknown> = {
  categories: [],
  emailAddresses: [],
  phones: {},
  addresses: {},
  attendees: [],
  toRecipients: [],
  ccRecipients: [],
  bccRecipients: [],
  replyTo: [],
};
const NOT_DELETABLE = new Set([
  'start',
  'end',
  'startTimeZone',
  'endTimeZone',
  'iCalUId',
  'status',
  'percentComplete',
]);

/** Applies one ItemChange's updates to a copy of the item's data; returns the patch. */
export function applyUpdates(
  op: OperationContext,
  item: AnyItem,
  updates: XElement[],
): Record<string, unknown> {
  const kind = item.kind;
  const working: Record<string, unknown> = structuredClone(item.data) as unknown as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  const assign = (key: string, value: unknown) => {
    working[key] = value;
    patch[key] = value;
  };
  for (const update of updates) {
    const path = update.children.find(
      (c) => c.name === 'FieldURI' || c.name === 'IndexedFieldURI' || c.name === 'ExtendedFieldURI',
    );
    if (!path) throw new EwsError('ErrorInvalidRequest', `${update.name} names no property path.`);
    if (path.name === 'ExtendedFieldURI') {
      const target = readExtendedPath(path);
      const current = working.extendedProperties as ExtendedProperty[] | undefined;
      if (update.name === 'DeleteItemField') {
        assign('extendedProperties', deleteExtended(current, target));
        continue;
      }
      const given = readExtendedProperties(update.children.find((c) => c !== path)).filter((p) =>
        samePath(p, target),
      );
      if (given.length === 0) {
        throw new EwsError(
          'ErrorInvalidExtendedProperty',
          'The update names an extended property its item element does not carry.',
        );
      }
      assign('extendedProperties', setExtended(current, given));
      continue;
    }
    const uri = path.attrs.FieldURI ?? '';
    const itemEl = update.children.find((c) => c !== path);
    if (
      itemEl &&
      ELEMENT_KIND[itemEl.name] &&
      ELEMENT_KIND[itemEl.name] !== kind &&
      !(itemEl.name === 'Item')
    ) {
      throw new EwsError('ErrorInvalidRequest', `A ${itemEl.name} element cannot update a ${kind}.`);
    }
    if (path.name === 'IndexedFieldURI') {
      if (kind !== 'contact')
        throw new EwsError('ErrorInvalidPropertySet', `${uri} does not apply to a ${kind}.`);
      if (update.name === 'AppendToItemField')
        throw new EwsError('ErrorInvalidPropertyAppend', `${uri} cannot be appended to.`);
      const result = applyIndexedContactField(
        working as unknown as ContactData,
        uri,
        path.attrs.FieldIndex ?? '',
        update.name === 'SetItemField' ? itemEl : undefined,
      );
      for (const [k, v] of Object.entries(result)) assign(k, v);
      continue;
    }
    const fields = fieldsFor(kind, uri);
    if (!fields)
      throw new EwsError(
        'ErrorInvalidPropertySet',
        `The property ${uri} cannot be set on a ${kind} in the sandbox.`,
      );
    const attendeeType = ATTENDEE_URIS[uri];
    if (update.name === 'DeleteItemField') {
      for (const f of fields) {
        if (NOT_DELETABLE.has(f))
          throw new EwsError('ErrorInvalidPropertyDelete', `The property ${uri} cannot be deleted.`);
        if (attendeeType) {
          assign(
            'attendees',
            (working.attendees as EventData['attendees']).filter((a) => a.type !== attendeeType),
          );
        } else if (f === 'subject') assign(f, '');
        else assign(f, f in EMPTY_ON_DELETE ? EMPTY_ON_DELETE[f] : undefined);
      }
      continue;
    }
    if (!itemEl)
      throw new EwsError(
        'ErrorInvalidRequest',
        `${update.name} for ${uri} carries no item element with the new value.`,
      );
    const partial = readPartial(op, kind, itemEl, item);
    if (update.name === 'AppendToItemField') {
      if (attendeeType) {
        const added = ((partial.attendees as EventData['attendees']) ?? []).filter(
          (a) => a.type === attendeeType,
        );
        assign('attendees', [...(working.attendees as EventData['attendees']), ...added]);
      } else if (uri === 'item:Body' && partial.body) {
        const current = (working.body as { contentType: string; content: string } | undefined) ?? {
          contentType: 'text',
          content: '',
        };
        assign('body', {
          ...current,
          content: current.content + (partial.body as { content: string }).content,
        });
      } else if (uri === 'item:Body' && kind === 'contact' && partial.notes !== undefined) {
        assign('notes', ((working.notes as string | undefined) ?? '') + partial.notes);
      } else if (
        [
          'message:ToRecipients',
          'message:CcRecipients',
          'message:BccRecipients',
          'message:ReplyTo',
          'item:Categories',
        ].includes(uri)
      ) {
        for (const f of fields)
          assign(f, [...((working[f] as unknown[]) ?? []), ...((partial[f] as unknown[]) ?? [])]);
      } else {
        throw new EwsError('ErrorInvalidPropertyAppend', `The property ${uri} cannot be appended to.`);
      }
      continue;
    }
    // SetItemField
    if (attendeeType) {
      const others = (working.attendees as EventData['attendees']).filter((a) => a.type !== attendeeType);
      assign('attendees', [...others, ...((partial.attendees as EventData['attendees']) ?? [])]);
      continue;
    }
    for (const f of fields) {
      if (f === 'start' || f === 'end') {
        if (partial[f] === undefined)
          throw new EwsError('ErrorInvalidRequest', `SetItemField for ${uri} needs a value.`);
      }
      assign(f, partial[f] ?? (f in EMPTY_ON_DELETE ? EMPTY_ON_DELETE[f] : undefined));
    }
  }
  if (kind === 'event') {
    const e = working as unknown as EventData;
    if (Date.parse(e.end) < Date.parse(e.start)) {
      throw new EwsError(
        'ErrorCalendarEndDateIsEarlierThanStartDate',
        'The End of the calendar item would be earlier than its Start.',
      );
    }
  }
  if (kind === 'task') {
    const normal = normaliseTask(working as unknown as TaskData, nowIso(op));
    for (const k of ['status', 'percentComplete', 'completedDateTime'] as const) {
      if (normal[k] !== (working as unknown as TaskData)[k] || k in patch) patch[k] = normal[k];
    }
  }
  return patch;
}

/** Turns a patch to an occurrence into an exception on its master. */
function occurrencePatch(
  master: Item<'event'>,
  originalStart: number,
  patch: Partial<EventData>,
  changeKey: string,
): Partial<EventData> {
  const iso = new Date(originalStart).toISOString();
  const existing = master.data.modifiedOccurrences.find((o) => Date.parse(o.originalStart) === originalStart);
  const override: OccurrenceOverride = {
    ...(existing ?? { id: '', changeKey: '', originalStart: iso }),
    changeKey,
  };
  if ('subject' in patch) override.subject = patch.subject;
  if ('start' in patch) override.start = patch.start;
  if ('end' in patch) override.end = patch.end;
  if ('location' in patch) override.location = patch.location;
  if ('body' in patch) override.body = patch.body;
  if ('showAs' in patch) override.showAs = patch.showAs;
  if ('isReminderOn' in patch) override.isReminderOn = patch.isReminderOn;
  if ('reminderMinutesBeforeStart' in patch)
    override.reminderMinutesBeforeStart = patch.reminderMinutesBeforeStart;
  const others = master.data.modifiedOccurrences.filter((o) => o !== existing);
  return { modifiedOccurrences: [...others, override] };
}

export function updateItem(op: OperationContext, request: XElement): string {
  const mode = request.attrs.ConflictResolution ?? 'AutoResolve';
  if (!CONFLICT_MODES.includes(mode)) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: ConflictResolution "${mode}" is not valid.`,
    );
  }
  const invitations = checkMode(
    'SendMeetingInvitationsOrCancellations',
    request.attrs.SendMeetingInvitationsOrCancellations,
    UPDATE_MODES,
  );
  const disposition = request.attrs.MessageDisposition;
  const store = op.sandbox.store;
  const messages = requiredList(request, 'ItemChanges').map((change) => {
    try {
      const ref = change.children.find((c) =>
        ['ItemId', 'OccurrenceItemId', 'RecurringMasterItemId'].includes(c.name),
      );
      if (!ref) throw new EwsError('ErrorInvalidIdMalformed', 'The ItemChange has no item id.');
      const { item, occurrence, changeKey } = resolveItemRef(op, ref);
      const updates = childElement(change, 'Updates')?.children ?? [];
      const current = occurrence?.override?.changeKey ?? item.changeKey;
      const checkKey = mode !== 'AlwaysOverwrite' && changeKey !== undefined;
      if (checkKey && changeKey !== current) throw conflict();
      if (item.kind === 'event' && invitations === undefined && updates.length > 0) {
        throw new EwsError(
          'ErrorInvalidRequest',
          'Updating a calendar item needs the SendMeetingInvitationsOrCancellations attribute.',
        );
      }
      if (item.kind === 'message' && disposition === undefined) {
        throw new EwsError(
          'ErrorMessageDispositionRequired',
          'Updating a message needs the MessageDisposition attribute (SaveOnly, SendOnly or SendAndSaveCopy).',
        );
      }
      const patch = applyUpdates(op, item, updates);
      // Exchange rebuilds a series from a recurrence it is given: its exceptions and deleted
      // occurrences go (MS-OXOCAL 3.1.4.7.3.5), whether or not the pattern differs.
      if (item.kind === 'event' && !occurrence && 'recurrence' in patch)
        Object.assign(patch, { modifiedOccurrences: [], deletedOccurrences: [] });
      if (invitations && item.kind === 'event' && Object.keys(patch).length > 0) {
        if (
          sendsOnUpdate(
            item.data,
            (patch.attendees as EventData['attendees']) ?? item.data.attendees,
            invitations,
          )
        )
          patch.meetingRequestWasSent = true;
      }
      let updated: AnyItem;
      if (occurrence && item.kind === 'event') {
        const master = item as Item<'event'>;
        updated = store.updateItem(
          op.mailbox.id,
          item.id,
          occurrencePatch(master, occurrence.originalStart, patch as Partial<EventData>, ''),
          'ews',
          checkKey ? item.changeKey : undefined,
        );
        const ov = (updated as Item<'event'>).data.modifiedOccurrences.find(
          (o) => Date.parse(o.originalStart) === occurrence.originalStart,
        );
        if (invitations && updated.kind === 'event')
          notifyOnUpdate(op, master.data, updated as Item<'event'>, invitations);
        return successMessage(
          'UpdateItemResponseMessage',
          el(
            'm:Items',
            null,
            el(
              't:CalendarItem',
              null,
              el('t:ItemId', {
                Id: occurrenceItemId(item.id, occurrence.originalStart),
                ChangeKey: ov?.changeKey ?? updated.changeKey,
              }),
            ),
          ),
          '<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>',
        );
      }
      updated =
        Object.keys(patch).length > 0
          ? store.updateItem(op.mailbox.id, item.id, patch, 'ews', checkKey ? changeKey : undefined)
          : item;
      if (updated.kind === 'event' && item.kind === 'event' && invitations && updated !== item) {
        notifyOnUpdate(op, item.data, updated as Item<'event'>, invitations);
      }
      if (updated.kind === 'message' && disposition !== undefined && disposition !== 'SaveOnly') {
        sendMessage(
          op,
          updated.data as MessageData,
          disposition === 'SendAndSaveCopy'
            ? { mailbox: op.mailbox, folderId: store.distinguishedFolder(op.mailbox.id, 'sentitems')!.id }
            : undefined,
        );
        store.deleteItem(op.mailbox.id, updated.id, 'hard', 'ews');
        return successMessage(
          'UpdateItemResponseMessage',
          '<m:Items/>',
          '<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>',
        );
      }
      return successMessage(
        'UpdateItemResponseMessage',
        el('m:Items', null, idXml(updated)),
        '<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>',
      );
    } catch (error) {
      return errorMessage('UpdateItemResponseMessage', storeErrorToEws(error), '<m:Items/>');
    }
  });
  return operationResponse('UpdateItem', messages);
}
