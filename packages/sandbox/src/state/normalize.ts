// Fills the collections a caller may leave out, so every stored item has the model's full
// shape and front ends never meet a missing array.
import { randomBytes } from 'node:crypto';
import type { ContactData, EventData, ItemDataByKind, ItemKind, MessageData, TaskData } from '../model.ts';
import { StoreError } from '../model.ts';
import type { ChangeKeys } from './ids.ts';
import { newOccurrenceId } from './ids.ts';

const KINDS: readonly ItemKind[] = ['contact', 'event', 'task', 'message'];

export function isItemKind(kind: unknown): kind is ItemKind {
  return typeof kind === 'string' && (KINDS as readonly string[]).includes(kind);
}

/** An Outlook-style global object id, as Exchange puts in UID / iCalUId. */
export function newICalUId(): string {
  return '040000008200E00074C5B7101A82E00800000000' + randomBytes(24).toString('hex').toUpperCase();
}

export function normalizeData<K extends ItemKind>(
  kind: K,
  data: ItemDataByKind[K],
  changeKeys: ChangeKeys,
): ItemDataByKind[K] {
  if (data === null || typeof data !== 'object') {
    throw new StoreError('invalidArgument', `Item data for a ${kind} must be an object.`);
  }
  switch (kind) {
    case 'contact': {
      const c = data as ContactData;
      c.emailAddresses ??= [];
      c.phones ??= {};
      c.addresses ??= {};
      c.categories ??= [];
      if (c.emailAddresses.length > 3) {
        throw new StoreError(
          'invalidArgument',
          'A contact holds at most three email addresses; remove the extra ones.',
        );
      }
      break;
    }
    case 'event': {
      const e = data as EventData;
      e.attendees ??= [];
      e.categories ??= [];
      e.modifiedOccurrences ??= [];
      e.deletedOccurrences ??= [];
      e.iCalUId ||= newICalUId();
      e.isCancelled ??= false;
      e.isOrganizer ??= true;
      e.responseRequested ??= true;
      e.isAllDay ??= false;
      e.isReminderOn ??= true;
      e.reminderMinutesBeforeStart ??= 15;
      e.showAs ??= 'busy';
      e.importance ??= 'normal';
      e.sensitivity ??= 'normal';
      e.startTimeZone ||= 'UTC';
      e.endTimeZone ||= e.startTimeZone;
      if (Date.parse(e.end) < Date.parse(e.start)) {
        throw new StoreError('invalidArgument', 'An event cannot end before it starts; check start and end.');
      }
      for (const o of e.modifiedOccurrences) {
        o.id ||= newOccurrenceId();
        o.changeKey ||= changeKeys.next('item');
      }
      break;
    }
    case 'task': {
      const t = data as TaskData;
      t.categories ??= [];
      t.status ??= 'notStarted';
      t.importance ??= 'normal';
      t.percentComplete ??= t.status === 'completed' ? 100 : 0;
      t.isReminderOn ??= false;
      break;
    }
    case 'message': {
      const m = data as MessageData;
      m.toRecipients ??= [];
      m.ccRecipients ??= [];
      m.bccRecipients ??= [];
      m.replyTo ??= [];
      m.categories ??= [];
      m.attachments ??= [];
      m.body ??= { contentType: 'text', content: '' };
      m.importance ??= 'normal';
      m.isRead ??= false;
      m.isDraft ??= false;
      m.internetMessageId ||= `<${randomBytes(12).toString('hex')}@sandbox.exsync>`;
      for (const a of m.attachments) {
        a.id ||= newOccurrenceId();
        a.isInline ??= false;
        a.size ??= Buffer.from(a.contentBytes ?? '', 'base64').length;
      }
      break;
    }
  }
  return data;
}
