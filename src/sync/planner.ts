// The sync decisions, free of I/O: given what changed on each side of one pair (a link and the
// Exchange item and CRM record it ties, or an unlinked item or record), the mailbox's direction
// and conflict policy, say what to do. The executor carries the actions out; everything here is
// tested exhaustively in planner.test.ts.
import { changedFields, fingerprint, sameValue } from './snapshot.ts';
import type {
  ConflictPolicy,
  Direction,
  NotExported,
  Projection,
  SharedAnswer,
  SharedIdentity,
  Snapshot,
} from './types.ts';

export type { SharedAnswer, SharedIdentity };

export interface LinkState {
  id: string;
  recordId: string;
  folderId: string;
  itemId: string;
  itemVersion: string;
  recordVersion: number;
  origin: 'import' | 'export';
  /** The mapped fields as both sides last agreed. */
  snapshot: Snapshot;
  /** An update a run had begun when it was interrupted (see planPair). */
  intent?: UpdateIntent;
  /** Set when the item is one mailbox's copy of something other mailboxes hold too (a meeting). */
  shared?: SharedIdentity;
}

/**
 * What an update was about to write, stored on the link before either side is written and
 * cleared when the link records the result. A run killed in between leaves it behind, and the
 * next run tells from the content of each side whether that side's write landed, so that our
 * own write is not taken for the user's edit (docs/mapping.md, Idempotency).
 */
export interface UpdateIntent {
  /** The state both sides were being brought to. */
  agreed: Snapshot;
  /** Fields written to the CRM record (each held something else before). */
  recordFields: string[];
  /** Fields the Exchange item changes in (each held something else before). */
  itemFields: string[];
}

export type ExchangeSide =
  | {
      kind: 'upsert';
      folderId: string;
      itemId: string;
      version: string;
      snapshot: Snapshot;
      shared?: SharedIdentity;
    }
  | { kind: 'deleted'; folderId: string; itemId: string };

export type CrmSide =
  | {
      kind: 'present';
      recordId: string;
      version: number;
      projection: Projection;
      inScope: boolean;
      /** The journal shows no user edit since the last run: the record counts as unedited. */
      unedited?: boolean;
    }
  | { kind: 'deleted'; recordId: string }
  /** Still exists, but the mailbox's user may no longer see it. */
  | { kind: 'inaccessible'; recordId: string };

/** One thing that may need syncing; at least one of the three is set. */
export interface Pair {
  link?: LinkState;
  exchange?: ExchangeSide;
  crm?: CrmSide;
  /** The CRM record a link of any mailbox already ties the Exchange item's shared key to. */
  sharedRecord?: {
    recordId: string;
    recordVersion: number;
    /**
     * For an organizer's copy joining a record another mailbox's copy made: what that copy last
     * agreed with the record (its link's snapshot and record version). The join starts from it,
     * so that a CRM edit made since is written to the organizer's copy and the organizer's own
     * later changes come to the record (see the engine's reconcileJoins).
     */
    agreed?: { snapshot: Snapshot; recordVersion: number };
  };
  /**
   * The record the Exchange item's shared key was tied to is deleted: the item is a copy of a
   * deleted meeting (an attendee's, left after the organizer cancelled it), never imported again.
   */
  sharedDeleted?: boolean;
  /**
   * With `sharedDeleted`, for an organizer's copy no mailbox had linked when the CRM deleted the
   * key's record (its first run was killed or failed after an attendee's run had imported the
   * meeting): that record, and what another copy last agreed with it. The copy is linked to the
   * deleted record from there and planned again at once, as if it had been linked when the
   * record was deleted (see the engine's reconcileJoins): the delete is written to it, or it
   * comes back when Exchange wins with a later change.
   */
  deletedRecord?: { recordId: string; agreed: { snapshot: Snapshot; recordVersion: number } };
  /**
   * For a read-only link (an attendee's copy): the record is also linked to its organizer's copy
   * in some mailbox, which brings the meeting's changes; this copy brings only its own answer.
   */
  organizerLinked?: boolean;
  /**
   * Fields of the linked item whose write would make Exchange mail people (a Graph meeting with
   * attendees; see EntityDefinition.sendingFields): not written, and the item not deleted. A
   * name ending in ':' stands for every field it begins (a series' occurrences).
   */
  held?: readonly string[];
  /**
   * Fields of the linked item whose value no write from the CRM can take back, each named in
   * plain words (a series' occurrence its organizer cancelled: Exchange restores one only by
   * sending the pattern again, which drops every other exception; see
   * EntityDefinition.cancelledParts). In two-way sync the item's value stands whatever the
   * policy: the record takes it, and the run reports the CRM's value that gave way.
   */
  cancelled?: Readonly<Record<string, string>>;
}

/** Whether a field is among the held ones (a name ending in ':' holds every field it begins). */
const isHeld = (held: readonly string[], field: string) =>
  held.some((h) => h === field || (h.endsWith(':') && field.startsWith(h)));

export interface PlanSettings {
  direction: Direction;
  conflictPolicy: ConflictPolicy;
  fieldMerge: boolean;
  /** Folder new CRM records are exported to. */
  exportFolder: string;
  /**
   * Folders whose new items are imported ('all' when absent). In two-way mode the export folder
   * is read even when it is not one of them — for the exported items' edits — but a new item
   * there is not the user's chosen import and stays in Exchange only.
   */
  importFolders?: 'all' | readonly string[];
}

export type ConflictResolution =
  | 'crm_wins'
  | 'exchange_wins'
  /** Both sides' edits kept; the policy decided the fields edited on both. */
  | 'merged';

export interface ConflictRecord {
  fields: string[];
  base: Snapshot;
  crm: Snapshot | null;
  exchange: Snapshot | null;
  resolution: ConflictResolution;
}

export type Action =
  /** A new Exchange item becomes a CRM record. */
  | {
      type: 'importCreate';
      folderId: string;
      itemId: string;
      itemVersion: string;
      snapshot: Snapshot;
      replacesLink?: LinkState;
      shared?: SharedIdentity;
    }
  /**
   * A new Exchange item whose shared key another mailbox's copy already ties to a record: link
   * it to that record, writing neither side.
   */
  | {
      type: 'linkExisting';
      folderId: string;
      itemId: string;
      itemVersion: string;
      snapshot: Snapshot;
      shared: SharedIdentity;
      recordId: string;
      recordVersion: number;
      /** The pair is planned again once linked, against what was agreed (see Pair.sharedRecord). */
      reconcile?: true;
      /** The record was deleted in the CRM (see Pair.deletedRecord): what was kept is used up. */
      recordDeleted?: true;
    }
  /** A CRM record becomes a new Exchange item. */
  | {
      type: 'exportCreate';
      recordId: string;
      recordVersion: number;
      folderId: string;
      snapshot: Snapshot;
      notExported: NotExported[];
      replacesLink?: LinkState;
      /** The create may write attendees (Graph invitations; see Projection.sends). */
      sends?: boolean;
    }
  /**
   * Bring a linked pair to `agreed`: write `toRecord` fields to the CRM and/or the whole
   * `toItem` to Exchange (either may be absent: then only the link's versions move).
   */
  | {
      type: 'update';
      link: LinkState;
      agreed: Snapshot;
      toRecord?: Snapshot;
      toItem?: Snapshot;
      /** What the Exchange item holds as planned (so that only what differs is written). */
      itemHolds?: Snapshot;
      itemVersion: string;
      recordVersion: number;
      notExported?: NotExported[];
      /** Stored on the link before the writes (present when there is a write). */
      intent?: UpdateIntent;
      /** The mailbox user's answer to write into the record (an attendee's response). */
      answer?: SharedAnswer;
      /**
       * A read-only link's record version moves only with writes made while it was current, so
       * that a CRM edit it could not write keeps it behind (screens tell "not written" by it).
       */
      trailing?: boolean;
      /** Writes of the item may write attendees (Graph invitations; see Projection.sends). */
      sends?: boolean;
    }
  /** The Exchange item was deleted: delete the CRM record. */
  | { type: 'deleteRecord'; link: LinkState }
  /** The CRM record was deleted: delete the Exchange item. */
  | { type: 'deleteItem'; link: LinkState }
  /** Keep both sides, drop the tie (left the filter, lost access, one-way delete). */
  | {
      type: 'unlink';
      link: LinkState;
      reason: string;
      side: 'crm' | 'exchange';
      /**
       * The organizer's copy lets go of a record deleted in the CRM: the attendees' copies that
       * waited on it (see planPair) let go too.
       */
      recordDeleted?: true;
      /**
       * An attendee's copy lets go of a record deleted in the CRM while no organizer's copy is
       * linked: what it last agreed with the record is kept on the key (see Pair.deletedRecord).
       */
      keepsAgreed?: true;
    }
  /** Both sides are gone: drop the link. */
  | { type: 'forget'; link: LinkState }
  | { type: 'conflict'; link: LinkState; conflict: ConflictRecord }
  /**
   * A CRM value not written to Exchange, reported: an edit that stays in the CRM (the link's copy
   * is an attendee's and no organizer's copy is linked to write it, or writing it would mail the
   * attendees), or a value that gives way to what the item holds and cannot be taken back
   * (a cancelled occurrence; the update brings the item's value into the record).
   */
  | {
      type: 'notWritten';
      link: LinkState;
      fields: string[];
      /**
       * `attendee`: the copy is an attendee's; `sends`: writing it would mail the attendees;
       * `cancelled`: the item's organizer cancelled it (`parts` names each field in plain words).
       */
      why: 'attendee' | 'sends' | 'cancelled';
      parts?: string[];
    };

const importsIn = (d: Direction) => d === 'import' || d === 'two_way';
const importsFrom = (settings: PlanSettings, folderId: string) =>
  settings.importFolders === undefined ||
  settings.importFolders === 'all' ||
  settings.importFolders.includes(folderId);
const exportsIn = (d: Direction) => d === 'export' || d === 'two_way';

export function planPair(pair: Pair, settings: PlanSettings): Action[] {
  const { direction } = settings;
  if (direction === 'off') return [];
  if (!pair.link) return planUnlinked(pair, settings);

  // Our own writes come back with the version we stored: not a change.
  const exchange =
    pair.exchange?.kind === 'upsert' && pair.exchange.version === pair.link.itemVersion
      ? undefined
      : pair.exchange;
  const crm = pair.crm;
  // An interrupted update: plan against what each side last agreed to, counting the writes
  // that landed, so that neither our own write nor the edit it carried counts twice.
  const link = pair.link.intent
    ? { ...pair.link, snapshot: resumedBase(pair.link, exchange, crm) }
    : pair.link;

  // An attendee's copy of a meeting whose record its user may not see (the organizer's, not
  // shared with them) stays linked, so that it is not imported again as a second record; being
  // read-only, it writes nothing, and brings nothing back, until it goes.
  if (crm?.kind === 'inaccessible' && link.shared?.role === 'attendee')
    return exchange?.kind === 'deleted'
      ? [
          {
            type: 'unlink',
            link,
            reason: "the meeting left this attendee's calendar; the record the other calendars share stays",
            side: 'exchange',
          },
        ]
      : untouched(link, pair.link.itemVersion);
  if (crm?.kind === 'inaccessible')
    return [{ type: 'unlink', link, reason: 'the mailbox user can no longer see the record', side: 'crm' }];
  if (crm?.kind === 'present' && !crm.inScope && link.origin === 'export' && exportsIn(direction))
    return [{ type: 'unlink', link, reason: 'the record left the export filter', side: 'crm' }];

  const exchangeDeleted = exchange?.kind === 'deleted';
  const crmDeleted = crm?.kind === 'deleted';
  if (exchangeDeleted && crmDeleted) return [{ type: 'forget', link }];
  // An attendee's copy goes when the attendee declines or is removed: the meeting goes on in
  // the other calendars, and so does the record they share.
  if (exchangeDeleted && link.shared?.role === 'attendee')
    return [
      {
        type: 'unlink',
        link,
        reason: "the meeting left this attendee's calendar; the record the other calendars share stays",
        side: 'exchange',
      },
    ];

  // Only the organizer's copy is written: an attendee's copy is never deleted or updated from
  // the CRM. A record deleted in the CRM (or by the organizer's sync) lets go of it.
  if (link.shared?.role === 'attendee') {
    // While the organizer's copy is linked, its run decides what the delete does: written to
    // Exchange (the attendees' links then let go with it), or undone when Exchange wins with a
    // later change (the attendees' links then move to the meeting made again).
    if (crmDeleted && pair.organizerLinked === true) return untouched(link, pair.link.itemVersion);
    // No organizer's copy is linked: what this copy agreed with the record is kept for one that
    // a mailbox may link later (see Pair.deletedRecord).
    if (crmDeleted)
      return [
        {
          type: 'unlink',
          link,
          reason: "deleted in the CRM; an attendee's copy of a meeting is not written, only the organizer's",
          side: 'crm',
          keepsAgreed: true,
        },
      ];
    if (pair.exchange?.kind === 'upsert' && pair.exchange.shared?.cancelled) {
      // The organizer's copy is synced: its own run decides what the cancellation does to the
      // activity (deletes it, or writes it anew when the CRM wins). The cancelled copy is no
      // longer a copy of that activity.
      if (pair.organizerLinked === true)
        return [
          {
            type: 'unlink',
            link,
            reason: "cancelled by its organizer; the organizer's copy decides what becomes of the activity",
            side: 'exchange',
          },
        ];
      // No organizer's copy is synced to bring the cancellation: the cancelled copy counts as
      // the meeting deleted in Exchange (E5).
      return importsIn(direction)
        ? [{ type: 'deleteRecord', link }]
        : [
            {
              type: 'unlink',
              link,
              reason: 'cancelled by its organizer in Exchange; deletes flow only from the CRM',
              side: 'exchange',
            },
          ];
    }
    return planReadOnly(link, exchange, crm, settings, pair.organizerLinked === true);
  }

  if (exchangeDeleted) {
    if (!importsIn(direction))
      return [
        {
          type: 'unlink',
          link,
          reason: 'deleted in Exchange; deletes flow only from the CRM',
          side: 'exchange',
        },
      ];
    const crmEdited =
      crm?.kind === 'present' && changedFields(link.snapshot, crmSnapshotOf(crm, link)).length > 0;
    if (crmEdited && direction === 'two_way' && crm?.kind === 'present') {
      const conflict: ConflictRecord = {
        fields: [],
        base: link.snapshot,
        crm: crm.projection.snapshot,
        exchange: null,
        resolution: settings.conflictPolicy,
      };
      if (settings.conflictPolicy === 'crm_wins') {
        return [
          { type: 'conflict', link, conflict },
          {
            type: 'exportCreate',
            recordId: crm.recordId,
            recordVersion: crm.version,
            folderId: link.folderId,
            snapshot: crm.projection.snapshot,
            notExported: crm.projection.notExported,
            replacesLink: link,
          },
        ];
      }
      return [
        { type: 'conflict', link, conflict },
        { type: 'deleteRecord', link },
      ];
    }
    return [{ type: 'deleteRecord', link }];
  }

  if (crmDeleted) {
    // A delete that would mail the attendees a cancellation is not written: the link lets go.
    const deleteItem: Action = pair.held?.length
      ? {
          type: 'unlink',
          link,
          reason:
            'deleted in the CRM; not deleted in Exchange, where deleting this meeting would send its attendees a cancellation',
          side: 'crm',
          recordDeleted: true,
        }
      : { type: 'deleteItem', link };
    if (!exportsIn(direction))
      return [
        {
          type: 'unlink',
          link,
          reason: 'deleted in the CRM; deletes flow only from Exchange',
          side: 'crm',
          recordDeleted: true,
        },
      ];
    const exchangeEdited =
      exchange?.kind === 'upsert' && changedFields(link.snapshot, exchange.snapshot).length > 0;
    if (exchangeEdited && direction === 'two_way' && exchange?.kind === 'upsert') {
      const conflict: ConflictRecord = {
        fields: [],
        base: link.snapshot,
        crm: null,
        exchange: exchange.snapshot,
        resolution: settings.conflictPolicy,
      };
      if (settings.conflictPolicy === 'exchange_wins') {
        return [
          { type: 'conflict', link, conflict },
          {
            type: 'importCreate',
            folderId: exchange.folderId,
            itemId: exchange.itemId,
            itemVersion: exchange.version,
            snapshot: exchange.snapshot,
            replacesLink: link,
            ...(link.shared ? { shared: link.shared } : {}),
          },
        ];
      }
      return [{ type: 'conflict', link, conflict }, deleteItem];
    }
    return [deleteItem];
  }

  return planEdits(link, exchange, crm, settings, pair.held ?? [], pair.cancelled ?? {});
}

/** A read-only link left as it is; a leftover intent on it is cleared all the same. */
function untouched(link: LinkState, itemVersion: string): Action[] {
  return link.intent
    ? [
        {
          type: 'update',
          link,
          agreed: link.snapshot,
          itemVersion,
          recordVersion: link.recordVersion,
          trailing: true,
        },
      ]
    : [];
}

function planUnlinked(pair: Pair, settings: PlanSettings): Action[] {
  const out: Action[] = [];
  const { exchange, crm, sharedRecord } = pair;
  // The organizer's copy of a meeting deleted in the CRM before it was linked: as if it had been.
  const deletedRecord =
    exchange?.kind === 'upsert' && exchange.shared?.role === 'organizer' && pair.sharedDeleted
      ? pair.deletedRecord
      : undefined;
  if (
    exchange?.kind === 'upsert' &&
    importsIn(settings.direction) &&
    importsFrom(settings, exchange.folderId) &&
    // A copy of a meeting whose record was deleted: deleted items never come back.
    !(exchange.shared && pair.sharedDeleted && !deletedRecord) &&
    // An attendee's copy of a meeting its organizer cancelled brings nothing to the CRM.
    !exchange.shared?.cancelled
  ) {
    const item = {
      folderId: exchange.folderId,
      itemId: exchange.itemId,
      itemVersion: exchange.version,
      snapshot: exchange.snapshot,
    };
    if (exchange.shared && deletedRecord)
      out.push({
        type: 'linkExisting',
        ...item,
        // No item version: the item then counts as changed against what was agreed.
        itemVersion: '',
        snapshot: deletedRecord.agreed.snapshot,
        shared: exchange.shared,
        recordId: deletedRecord.recordId,
        recordVersion: deletedRecord.agreed.recordVersion,
        reconcile: true,
        recordDeleted: true,
      });
    // Another mailbox's copy made the record already: one record per shared key.
    else if (exchange.shared && sharedRecord) {
      const { agreed, ...record } = sharedRecord;
      out.push(
        agreed && exchange.shared.role === 'organizer'
          ? // No item version: the item then counts as changed against what was agreed.
            {
              type: 'linkExisting',
              ...item,
              itemVersion: '',
              snapshot: agreed.snapshot,
              shared: exchange.shared,
              recordId: record.recordId,
              recordVersion: agreed.recordVersion,
              reconcile: true,
            }
          : { type: 'linkExisting', ...item, shared: exchange.shared, ...record },
      );
    } else
      out.push({ type: 'importCreate', ...item, ...(exchange.shared ? { shared: exchange.shared } : {}) });
  }
  if (crm?.kind === 'present' && crm.inScope && exportsIn(settings.direction)) {
    out.push({
      type: 'exportCreate',
      recordId: crm.recordId,
      recordVersion: crm.version,
      folderId: settings.exportFolder,
      snapshot: crm.projection.snapshot,
      notExported: crm.projection.notExported,
      ...(crm.projection.sends ? { sends: true } : {}),
    });
  }
  return out;
}

function planEdits(
  link: LinkState,
  exchange: ExchangeSide | undefined,
  crm: CrmSide | undefined,
  settings: PlanSettings,
  held: readonly string[],
  cancelled: Readonly<Record<string, string>>,
): Action[] {
  const { direction } = settings;
  const base = link.snapshot;
  const exchangeSnapshot = exchange?.kind === 'upsert' ? exchange.snapshot : base;
  const crmSnapshot = crm?.kind === 'present' ? crmSnapshotOf(crm, link) : base;
  const itemVersion = exchange?.kind === 'upsert' ? exchange.version : link.itemVersion;
  const recordVersion = crm?.kind === 'present' ? crm.version : link.recordVersion;
  const notExported = crm?.kind === 'present' ? notExportedOf(crm, link) : undefined;
  const exchangeEdits = importsIn(direction) ? changedFields(base, exchangeSnapshot) : [];
  const crmEdits = exportsIn(direction) ? changedFields(base, crmSnapshot) : [];

  let agreed: Snapshot;
  let conflict: ConflictRecord | undefined;
  if (direction === 'import') {
    // Exchange is the master: the pair agrees on what Exchange holds; CRM-only edits stay put.
    agreed = exchangeSnapshot;
  } else if (direction === 'export') {
    agreed = crmSnapshot;
  } else if (exchangeEdits.length === 0) {
    agreed = crmSnapshot;
  } else if (crmEdits.length === 0) {
    agreed = exchangeSnapshot;
  } else if (sameValue(exchangeSnapshot, crmSnapshot)) {
    agreed = crmSnapshot;
  } else {
    const winner = settings.conflictPolicy === 'crm_wins' ? crmSnapshot : exchangeSnapshot;
    const overlapping = exchangeEdits.filter(
      (f) => crmEdits.includes(f) && !sameValue(exchangeSnapshot[f], crmSnapshot[f]),
    );
    if (settings.fieldMerge) {
      agreed = { ...base };
      for (const f of new Set([...exchangeEdits, ...crmEdits])) {
        if (overlapping.includes(f)) agreed[f] = winner[f];
        else agreed[f] = exchangeEdits.includes(f) ? exchangeSnapshot[f] : crmSnapshot[f];
      }
    } else {
      agreed = winner;
    }
    conflict = {
      fields: overlapping,
      base,
      crm: crmSnapshot,
      exchange: exchangeSnapshot,
      resolution: settings.fieldMerge ? 'merged' : settings.conflictPolicy,
    };
  }

  // What Exchange holds and no write can take back (an occurrence its organizer cancelled)
  // stands whatever the policy: the record takes it, and the CRM's value that gave way is
  // reported. Anything else of the CRM's that won still wins.
  const gaveWay =
    direction === 'two_way'
      ? Object.keys(cancelled).filter(
          (f) => exchangeSnapshot[f] != null && !sameValue(agreed[f], exchangeSnapshot[f]),
        )
      : [];
  if (gaveWay.length > 0) {
    agreed = { ...agreed, ...pickFields(exchangeSnapshot, gaveWay) };
    // The conflict lists what the policy decided: not these.
    if (conflict) conflict = { ...conflict, fields: conflict.fields.filter((f) => !gaveWay.includes(f)) };
  }

  // Fields whose write would mail people stay as Exchange holds them: the CRM keeps its edit
  // (the record is not written from `agreed` where it won), the link records what the item holds.
  const withheld = exportsIn(direction)
    ? changedFields(exchangeSnapshot, agreed).filter((f) => isHeld(held, f))
    : [];
  const recorded = withheld.length > 0 ? { ...agreed, ...pickFields(exchangeSnapshot, withheld) } : agreed;
  const toRecordFields =
    direction === 'import'
      ? exchangeEdits.filter((f) => !sameValue(crmSnapshot[f], agreed[f]))
      : importsIn(direction)
        ? changedFields(crmSnapshot, agreed)
        : [];
  const itemDiffers =
    direction === 'export'
      ? crmEdits.some((f) => !withheld.includes(f))
      : exportsIn(direction) && changedFields(exchangeSnapshot, recorded).length > 0;

  // A leftover intent is always cleared, so that it never speaks for a later write.
  const unchanged =
    toRecordFields.length === 0 &&
    !itemDiffers &&
    !link.intent &&
    itemVersion === link.itemVersion &&
    recordVersion === link.recordVersion &&
    sameValue(recorded, base);
  const actions: Action[] = [];
  if (conflict) actions.push({ type: 'conflict', link, conflict });
  if (withheld.length > 0 && crm?.kind === 'present' && !crm.unedited)
    actions.push({ type: 'notWritten', link, fields: withheld, why: 'sends' });
  if (gaveWay.length > 0)
    actions.push({
      type: 'notWritten',
      link,
      fields: gaveWay,
      why: 'cancelled',
      parts: gaveWay.map((f) => cancelled[f]),
    });
  if (unchanged && !conflict) return actions;
  const intent: UpdateIntent | undefined =
    toRecordFields.length > 0 || itemDiffers
      ? {
          agreed: recorded,
          recordFields: toRecordFields,
          itemFields: itemDiffers ? changedFields(exchangeSnapshot, recorded) : [],
        }
      : undefined;
  actions.push({
    type: 'update',
    link,
    agreed: recorded,
    ...(toRecordFields.length > 0 ? { toRecord: pickFields(agreed, toRecordFields) } : {}),
    ...(itemDiffers ? { toItem: recorded, itemHolds: exchangeSnapshot } : {}),
    // Never for a record that came from Exchange: its attendees were invited by its organizer.
    ...(itemDiffers && crm?.kind === 'present' && crm.projection.sends && link.origin === 'export'
      ? { sends: true }
      : {}),
    itemVersion,
    recordVersion,
    ...(notExported ? { notExported } : {}),
    ...(intent ? { intent } : {}),
  });
  return actions;
}

/**
 * A read-only link: an attendee's copy of a meeting. Nothing is ever written to it; its snapshot
 * follows the copy as last read. What it carries back to the record:
 * - its user's own answer (the attendee's response), always;
 * - when no organizer's copy is linked (which would bring them), the fields the organizer's
 *   updates changed in the copy, each only where the CRM holds no other edit of that field, or
 *   where the policy lets Exchange win one it does (logged as a conflict, once: the next run
 *   compares with the copy as read now). Fields the copy did not change never overwrite the
 *   CRM's.
 * A CRM edit is reported as not written when no organizer's copy is linked to write it; the
 * link's record version then stays behind the record's (`trailing`), which is how screens tell.
 */
function planReadOnly(
  link: LinkState,
  exchange: ExchangeSide | undefined,
  crm: CrmSide | undefined,
  settings: PlanSettings,
  organizerLinked: boolean,
): Action[] {
  const { direction } = settings;
  const base = link.snapshot;
  const copy = exchange?.kind === 'upsert' ? exchange.snapshot : base;
  const crmSnapshot = crm?.kind === 'present' ? crmSnapshotOf(crm, link) : base;
  const itemVersion = exchange?.kind === 'upsert' ? exchange.version : link.itemVersion;
  const crmEdits = changedFields(base, crmSnapshot);
  const copyEdits = importsIn(direction) && !organizerLinked ? changedFields(base, copy) : [];
  const editedBoth = copyEdits.filter((f) => crmEdits.includes(f) && !sameValue(copy[f], crmSnapshot[f]));
  const exchangeWins = direction === 'import' || settings.conflictPolicy === 'exchange_wins';
  const recordFields = copyEdits.filter(
    (f) => !sameValue(crmSnapshot[f], copy[f]) && (exchangeWins || !editedBoth.includes(f)),
  );
  const answer =
    importsIn(direction) && exchange?.kind === 'upsert' && exchange.version !== link.itemVersion
      ? exchange.shared?.answer
      : undefined;
  const actions: Action[] = [];
  if (editedBoth.length > 0 && direction === 'two_way')
    actions.push({
      type: 'conflict',
      link,
      conflict: {
        fields: editedBoth,
        base,
        crm: crmSnapshot,
        exchange: copy,
        resolution: settings.fieldMerge ? 'merged' : settings.conflictPolicy,
      },
    });
  const kept = crmEdits.filter((f) => !recordFields.includes(f));
  if (!organizerLinked && exportsIn(direction) && crm?.kind === 'present' && !crm.unedited && kept.length > 0)
    actions.push({ type: 'notWritten', link, fields: kept, why: 'attendee' });
  // The link follows the copy: what it holds is what the next read is compared with.
  const agreed = copy;
  const unchanged =
    recordFields.length === 0 &&
    !answer &&
    !link.intent &&
    itemVersion === link.itemVersion &&
    sameValue(agreed, base);
  if (unchanged) return actions;
  const intent: UpdateIntent | undefined =
    recordFields.length > 0 ? { agreed, recordFields, itemFields: [] } : undefined;
  actions.push({
    type: 'update',
    link,
    agreed,
    ...(recordFields.length > 0 ? { toRecord: pickFields(copy, recordFields) } : {}),
    itemVersion,
    recordVersion: link.recordVersion,
    ...(intent ? { intent } : {}),
    ...(answer ? { answer } : {}),
    trailing: true,
  });
  return actions;
}

/**
 * The record as the planner compares it: an unedited one holds what the pair last agreed; the
 * fields its writes never carry (Projection.keeps) hold the link's value, so they are never a
 * CRM edit, nor an item read without them a removal to bring into the CRM.
 */
function crmSnapshotOf(crm: Extract<CrmSide, { kind: 'present' }>, link: LinkState): Snapshot {
  if (crm.unedited) return link.snapshot;
  const keeps = crm.projection.keeps ?? [];
  return keeps.length > 0
    ? { ...crm.projection.snapshot, ...pickFields(link.snapshot, [...keeps]) }
    : crm.projection.snapshot;
}

/** What stays in the CRM only: a kept field's value is not listed where the item holds it already. */
function notExportedOf(crm: Extract<CrmSide, { kind: 'present' }>, link: LinkState) {
  const keeps = crm.projection.keeps ?? [];
  return crm.projection.notExported.filter(
    (n) => !keeps.includes(n.field) || !sameValue(n.value, link.snapshot[n.field]),
  );
}

/**
 * The base to plan a pair against when its link carries the intent of an interrupted update.
 * Each side shows by its content whether its write landed: the Exchange item (seen at a new
 * version) or the record (edited by the user since; an unedited record cannot tell) holding
 * what we sent in any of the fields we wrote it. The versions our writes produced were never
 * recorded, so content is all there is. A field whose write landed, or that was not written,
 * takes the intended value; a field whose write did not land keeps the link's snapshot, and
 * the planner writes it again (or lets a later edit win) as after any other edit. A side the
 * user edited in every field we wrote is taken as not written: its edits then meet the other
 * side's as a conflict, as they would have without the interrupted run.
 */
export function resumedBase(
  link: LinkState,
  exchange: ExchangeSide | undefined,
  crm: CrmSide | undefined,
): Snapshot {
  const { intent } = link;
  if (!intent) return link.snapshot;
  const holdsSent = (side: Snapshot | undefined, fields: string[]) =>
    side !== undefined && fields.some((f) => sameValue(side[f], intent.agreed[f]));
  const itemLanded = holdsSent(
    exchange?.kind === 'upsert' && exchange.version !== link.itemVersion ? exchange.snapshot : undefined,
    intent.itemFields,
  );
  const recordLanded = holdsSent(
    crm?.kind === 'present' && !crm.unedited ? crm.projection.snapshot : undefined,
    intent.recordFields,
  );
  const base: Snapshot = {};
  for (const f of new Set([...Object.keys(link.snapshot), ...Object.keys(intent.agreed)])) {
    const unwritten =
      (!itemLanded && intent.itemFields.includes(f)) || (!recordLanded && intent.recordFields.includes(f));
    base[f] = unwritten ? link.snapshot[f] : intent.agreed[f];
  }
  return base;
}

function pickFields(snapshot: Snapshot, fields: string[]): Snapshot {
  const out: Snapshot = {};
  for (const f of fields) out[f] = snapshot[f] ?? null;
  return out;
}

// ---------- recovery after an interrupted run ----------

export interface ExportIntent {
  linkId: string;
  folderId: string;
  fingerprint: string;
  /** What the interrupted run sent. */
  snapshot: Snapshot;
}

export interface UnlinkedItem {
  folderId: string;
  itemId: string;
  version: string;
  snapshot: Snapshot;
}

/** Share of the fields either side fills that hold the same value on both. */
export function similarity(a: Snapshot, b: Snapshot): number {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) => !sameValue(a[k], null) || !sameValue(b[k], null),
  );
  if (keys.length === 0) return 1;
  return keys.filter((k) => sameValue(a[k], b[k])).length / keys.length;
}

/** How alike an item must be to an intent to be taken for its copy edited before adoption. */
export const ADOPTION_SIMILARITY = 0.6;

/**
 * Pairs export intents (an Exchange create that may have happened before the crash) with
 * unlinked items of the same folder, one to one: same content first; then, for an item the
 * user edited in the meantime, the most alike intent when most filled fields still agree.
 */
export function adoptItems(
  intents: ExportIntent[],
  items: UnlinkedItem[],
): Array<{ intent: ExportIntent; item: UnlinkedItem }> {
  const open = [...intents];
  const out: Array<{ intent: ExportIntent; item: UnlinkedItem }> = [];
  const rest: UnlinkedItem[] = [];
  for (const item of items) {
    const print = fingerprint(item.snapshot);
    const index = open.findIndex((i) => i.folderId === item.folderId && i.fingerprint === print);
    if (index >= 0) out.push({ intent: open.splice(index, 1)[0], item });
    else rest.push(item);
  }
  for (const item of rest) {
    let best = -1;
    let bestScore = ADOPTION_SIMILARITY;
    open.forEach((intent, index) => {
      if (intent.folderId !== item.folderId) return;
      const score = similarity(intent.snapshot, item.snapshot);
      if (score >= bestScore) {
        best = index;
        bestScore = score;
      }
    });
    if (best >= 0) out.push({ intent: open.splice(best, 1)[0], item });
  }
  return out;
}

export interface ImportIntent {
  linkId: string;
  /** Journal head just before the batch create; null when the create was never attempted. */
  journalVersion: number | null;
  /** Index within the batch. */
  position: number;
}

export interface OwnCreate {
  version: number;
  recordId: string;
}

/**
 * Pairs import intents with the CRM records their interrupted batch created. A batch create
 * journals its records at consecutive versions in input order, and only the mailbox's own run
 * creates records in its name, so the n-th own create after the batch's journal head is the
 * record of the intent at position n. Deleted or hidden records are found all the same.
 */
export function adoptRecords(
  intents: ImportIntent[],
  ownCreates: OwnCreate[],
): Array<{ intent: ImportIntent; record: OwnCreate }> {
  const sorted = [...ownCreates].sort((a, b) => a.version - b.version);
  const out: Array<{ intent: ImportIntent; record: OwnCreate }> = [];
  for (const intent of intents) {
    if (intent.journalVersion === null) continue;
    const after = sorted.filter((c) => c.version > intent.journalVersion!);
    const record = after[intent.position];
    if (record) out.push({ intent, record });
  }
  return out;
}

// ---------- mass-delete guard (E5) ----------

export type GuardDecision = { proceed: true } | { proceed: false; reason: string };

export function massDeleteGuard(
  pendingDeletes: number,
  linkedItems: number,
  limit: { share: number; minimum: number },
  approved: boolean,
): GuardDecision {
  if (approved || pendingDeletes === 0) return { proceed: true };
  if (pendingDeletes < limit.minimum) return { proceed: true };
  const share = linkedItems === 0 ? 1 : pendingDeletes / linkedItems;
  if (share <= limit.share) return { proceed: true };
  return {
    proceed: false,
    reason:
      `This run would delete ${pendingDeletes} of ${linkedItems} synced items ` +
      `(${Math.round(share * 100)} %, more than the ${Math.round(limit.share * 100)} % allowed). ` +
      'An administrator must approve the deletes or choose to unlink the items instead.',
  };
}
