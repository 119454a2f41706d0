// ItemId / OccurrenceItemId / RecurringMasterItemId → a stored item, or an occurrence of one.

import { occurrences } from '@exsync/common/recurrence';
import type { AnyItem, Item, Occurrence } from '../../model.ts';
import { EwsError } from '../errors.ts';
import { readOccurrenceItemId } from '../ids.ts';
import type { XElement } from '../xml/parse.ts';
import { findItem, type OperationContext } from './context.ts';

export interface ItemRef {
  item: AnyItem;
  occurrence?: Occurrence;
  /** The ChangeKey the client sent, if any. */
  changeKey?: string;
}

function occurrenceAt(master: AnyItem, originalStart: number): Occurrence {
  if (master.kind !== 'event' || !master.data.recurrence) {
    throw new EwsError(
      'ErrorItemNotFound',
      'The occurrence was not found: its master is not a recurring calendar item.',
    );
  }
  const found = occurrences(master.data, originalStart + 1, undefined, originalStart - 1).find(
    (o) => o.originalStart === originalStart,
  );
  if (!found) throw new EwsError('ErrorItemNotFound', 'The occurrence was not found in its series.');
  if (found.deleted) {
    throw new EwsError(
      'ErrorCalendarOccurrenceIsDeletedFromRecurrence',
      'The occurrence was deleted from the recurrence.',
    );
  }
  return found;
}

export function resolveItemRef(op: OperationContext, ref: XElement): ItemRef {
  switch (ref.name) {
    case 'ItemId': {
      const id = ref.attrs.Id;
      if (!id) throw new EwsError('ErrorInvalidIdMalformed', 'The ItemId has no Id.');
      const occ = readOccurrenceItemId(id);
      if (occ) {
        const master = findItem(op, occ.masterId);
        return {
          item: master,
          occurrence: occurrenceAt(master, occ.originalStart),
          changeKey: ref.attrs.ChangeKey,
        };
      }
      return { item: findItem(op, id), changeKey: ref.attrs.ChangeKey };
    }
    case 'OccurrenceItemId': {
      const master = findItem(op, ref.attrs.RecurringMasterId);
      const index = Number(ref.attrs.InstanceIndex);
      if (master.kind !== 'event' || !master.data.recurrence) {
        throw new EwsError(
          'ErrorCalendarCannotUseIdForRecurringMasterId',
          'RecurringMasterId does not name a recurring calendar item.',
        );
      }
      const all = occurrences(master.data, undefined, Number.isInteger(index) && index > 0 ? index : 1);
      if (!Number.isInteger(index) || index < 1 || index > all.length) {
        throw new EwsError(
          'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange',
          'The occurrence index is out of the recurrence range.',
        );
      }
      const occurrence = all[index - 1];
      if (occurrence.deleted) {
        throw new EwsError(
          'ErrorCalendarOccurrenceIsDeletedFromRecurrence',
          'The occurrence was deleted from the recurrence.',
        );
      }
      return { item: master, occurrence, changeKey: ref.attrs.ChangeKey };
    }
    case 'RecurringMasterItemId': {
      const id = ref.attrs.OccurrenceId ?? '';
      const occ = readOccurrenceItemId(id);
      if (!occ) {
        findItem(op, id);
        throw new EwsError(
          'ErrorCalendarCannotUseIdForOccurrenceId',
          'OccurrenceId does not name an occurrence of a recurring series.',
        );
      }
      const master = findItem(op, occ.masterId);
      return { item: master, changeKey: ref.attrs.ChangeKey };
    }
    default:
      throw new EwsError('ErrorInvalidIdMalformed', `${ref.name} is not an item id.`);
  }
}

export function asEvent(item: AnyItem): Item<'event'> | undefined {
  return item.kind === 'event' ? (item as Item<'event'>) : undefined;
}
