// The sync engine's vocabulary. Nothing here knows contacts: an entity (contacts now, activities
// and emails later) plugs in through EntityDefinition; a mailbox's connector, settings and
// principal come through the MailboxSource port, so the engine never reads mailbox storage.
import type { ExchangeConnector, FolderKind, FolderNode, Protocol, TimeWindow } from '../connectors/types.ts';
import type { Crm } from '../crm/index.ts';
import type { SyncedRecordType } from '../crm/journal.ts';
import type { Principal } from '../crm/principal.ts';
import type { RecordService } from '../crm/repository.ts';

/** JSON values of the mapped fields, in the neutral form both sides are compared in. */
export type Snapshot = Record<string, unknown>;

/**
 * The identity an item shares with its copies in other mailboxes: a meeting sits in the
 * organizer's calendar and in each attendee's under one global object id. One CRM record stands
 * for every copy; each mailbox's copy is its own link to it.
 */
export interface SharedIdentity {
  /** The series key, or series key and original start for an occurrence (activities/meeting-key.ts). */
  key: string;
  /**
   * Whose copy this is. Only the organizer's copy is written; an attendee's copy is read-only
   * (nothing is written to it, and its going away unlinks only that mailbox).
   */
  role: 'organizer' | 'attendee';
  /**
   * The mailbox user's own answer held by an attendee's copy (a meeting response), carried back
   * to the record through the entity's `answerPatch`.
   */
  answer?: SharedAnswer;
  /**
   * An attendee's copy the organizer cancelled (EWS `IsCancelled`, Graph `isCancelled`): never
   * imported or linked; a linked one no organizer's copy is synced for counts as deleted in Exchange.
   */
  cancelled?: boolean;
}

/** One person's answer to a shared item: their address and response, in the CRM's words. */
export interface SharedAnswer {
  address: string;
  response: string;
}

/** A value that stayed in the CRM because Exchange has no room for it (B4). */
export interface NotExported {
  field: string;
  value: unknown;
  reason: string;
}

export interface Projection {
  snapshot: Snapshot;
  notExported: NotExported[];
  /**
   * The entity allows writes of this record to send what Exchange mails on them (Graph mails a
   * meeting's attendees when they are written): the mailbox asked for invitations and the record
   * qualifies. The engine still never does on a first sync, nor for a record that came from
   * Exchange (an imported meeting).
   */
  sends?: boolean;
  /**
   * Fields this record's writes never carry to Exchange (a Graph meeting's attendees while it may
   * not send): the snapshot holds what a create writes for them, a linked pair takes the link's
   * value as the CRM's (so the CRM's own value is never an edit to write, and an item read
   * without them is no removal), and notExported lists the CRM's value unless the link holds it.
   */
  keeps?: readonly string[];
}

export type Direction = 'off' | 'import' | 'export' | 'two_way';
export type ConflictPolicy = 'crm_wins' | 'exchange_wins';

export interface EntitySyncSettings<O = unknown> {
  direction: Direction;
  /** Which side wins a conflict (E2). */
  conflictPolicy: ConflictPolicy;
  /** Keep both sides' edits to different fields; apply the policy only to fields edited on both. */
  fieldMerge: boolean;
  /** Folders to import from (B1): every folder of the entity's kind, or these ids. */
  importFolders: 'all' | string[];
  /** Where exported records go; the well-known folder of the kind when omitted. */
  exportFolder?: string;
  /** Mass-delete guard (E5): halt when a run would delete more than `share` of the linked items. */
  massDelete: { share: number; minimum: number };
  /** Automatic sync (E3). */
  autoSync: boolean;
  intervalMinutes: number;
  /** What only this entity understands (filters, limits). */
  options: O;
}

export type MailboxSyncSettings = Partial<Record<string, EntitySyncSettings>>;

export interface RunOutcome {
  mailboxId: string;
  entity: string;
  runId: string;
  status: RunStatus;
  error?: { code: string; message: string };
}

/** How the engine reaches a mailbox, whoever stores mailboxes. */
export interface MailboxSource {
  /** `signal` aborts the connector's requests when the run stops (budget, lost lease, shutdown). */
  connectorFor(mailboxId: string, options?: { signal?: AbortSignal }): Promise<ExchangeConnector>;
  settings(mailboxId: string): Promise<MailboxSyncSettings>;
  /** The mailbox user's principal, with `mailboxId` set so the journal tags the sync's writes. */
  principal(mailboxId: string): Promise<Principal>;
  /** Health bookkeeping (needs sign-in, failing since …). */
  recordOutcome?(mailboxId: string, outcome: RunOutcome): Promise<void>;
}

/** What the engine needs to know about one kind of record and item. */
// biome-ignore lint/suspicious/noExplicitAny: the engine holds definitions of every entity in one list
export interface EntityDefinition<R extends { id: string; version: number } = any, T = any, O = any> {
  /** `contacts`, `meetings`, …: the key of settings, state and links. */
  name: string;
  folderKind: FolderKind;
  recordType: SyncedRecordType;
  service(crm: Crm): RecordService<R>;
  /** The CRM record as Exchange can hold it, and what did not fit. */
  fromRecord(record: R, options: O): Projection;
  /** The Exchange item in the same neutral form. */
  fromItem(item: T, options: O): Snapshot;
  /** The Exchange item for a snapshot; `current` keeps what the snapshot does not carry. */
  toItem(snapshot: Snapshot, options: O, current?: T): T;
  /** Whether toItem needs the current item to avoid clearing what is not synced. */
  needsCurrentItem(options: O): boolean;
  /**
   * Changes to ask Exchange for per page when the engine is given no page size (default 256),
   * for every protocol or per protocol (a protocol not named gets the default). The engine still
   * applies a page a slice at a time.
   */
  readPageSize?: number | Partial<Record<Protocol, number>>;
  /** A CRM create input for a new item's snapshot, found in `folderId`. */
  toCreate(snapshot: Snapshot, options: O, folderId: string): Record<string, unknown>;
  /**
   * A CRM patch writing `changed` fields, keeping values that never went to Exchange (B4).
   * `linked`: what the pair last agreed (the item as the link holds it), against which the
   * planner found the item's change. For a field the record keeps (Projection.keeps: the item
   * never held the CRM's value), the record takes the item's change since then onto its own
   * value rather than the item's value, so that nothing of the CRM's is lost.
   */
  toPatch(changed: Snapshot, current: R, options: O, linked?: Snapshot): Record<string, unknown>;
  /** Export filter (B3); `tagged` says the record is tagged for this mailbox. */
  inExportScope(record: R, options: O, tagged: boolean): boolean;
  /**
   * The options as a mailbox of this protocol can use them (what its items can hold differs:
   * a Graph contact has no fax number). Applied once per run before anything is compared.
   */
  forProtocol?(options: O, protocol: Protocol): O;
  /**
   * What of a snapshot a create writes by itself, before the writes that follow it (a series
   * without its modified and deleted occurrences, which are written on the occurrences once it
   * exists). A create whose later writes failed is linked with this as its base, so that what
   * was not written is a CRM change still to write; an interrupted create is adopted by it.
   * Absent: a create writes the whole snapshot.
   */
  createdAlone?(snapshot: Snapshot): Snapshot;
  /**
   * What the entity learns from the mailbox itself, at most once per run, after `forProtocol`
   * (tasks on EWS: the owner's name as Exchange writes it into a task, C2). Asked before anything
   * is read, or, when `needsMailbox` is given, only before the first page holding an item it
   * says needs it, so that a run with nothing to judge does not pay the request.
   */
  withMailbox?(options: O, connector: ExchangeConnector): Promise<O>;
  /** Whether judging this item (`importsItem`) needs what `withMailbox` learns. */
  needsMailbox?(item: T, options: O): boolean;
  /** Settings that decide the export scope, for noticing that the scope changed. */
  scopeKey(options: O): string;
  /**
   * The identity an item shares with its copies in other mailboxes (a meeting's key and whether
   * this is the organizer's copy). Entities that have it keep one record per key, linked from
   * every mailbox holding a copy, and take no mailbox's sync writes for a user's edits (each
   * mailbox's copy gets the change from Exchange, not from another mailbox's sync). Entities
   * without it (contacts) sync each mailbox's items on their own.
   */
  sharedIdentity?(item: T, options: O, mailbox: string): SharedIdentity | undefined;
  /**
   * The shared key of an item the sync created, from the global object id the create's answer
   * gave (`CreatedItem.globalId`). With it the key is tied to the record as the item is made, so
   * a copy that reaches another mailbox at once (Graph mails invitations as it creates) joins
   * the record even if this mailbox's run stops before reading back what it wrote.
   */
  createdKey?(globalId: string): string;
  /**
   * Import scope (C2, C5): whether an item no link ties to a record is imported. An item it
   * refuses is left alone: not imported, not linked to another mailbox's record. Linked items
   * go on syncing. Absent: every item is imported.
   */
  importsItem?(item: T, snapshot: Snapshot, options: O): boolean;
  /** Whether a folder is read when the mailbox imports from all folders, or chose it (C2). */
  importsFolder?(folder: FolderNode, options: O): boolean;
  /**
   * Whether `importsFolder` can refuse any folder under these options (their protocol): when it
   * cannot, chosen folders are read without listing the mailbox's folders first. Absent: it can.
   */
  refusesFolders?(options: O): boolean;
  /**
   * How long a folder listing may serve the runs after the one that took it (ms). Absent: a run
   * that needs the listing (all folders imported, or folders to judge) lists them itself. Given,
   * the listing is kept with the sync state and taken again when older than this, on a first
   * run, on "Sync now" (trigger `manual`), when a chosen folder is not in it, and before any
   * folder is taken for gone (a read that finds its folder missing, links in a folder not synced).
   */
  folderListingMaxAgeMs?: number;
  /** The time window a folder is read over where the protocol needs one (Graph calendars, C5). */
  readWindow?(options: O, now: Date): TimeWindow | undefined;
  /**
   * Whether a linked item that a read from scratch did not list is outside what reads cover
   * (a meeting before the window) rather than gone: it is then left alone, not deleted.
   */
  outsideReads?(snapshot: Snapshot, options: O): boolean;
  /**
   * The fields whose write to an item holding `snapshot` makes Exchange mail people: on Graph,
   * what attendees see of a meeting with attendees (Graph sends them an update and has no switch
   * against it). Such fields are not written (nor the item deleted) unless the record allows
   * sending (Projection.sends); the CRM keeps the edit and the run reports it. A name ending in
   * ':' stands for every field it begins.
   */
  sendingFields?(snapshot: Snapshot, options: O): readonly string[];
  /**
   * With `sharedIdentity`: the fields every copy of a shared item holds alike (what a meeting's
   * attendees see); the others are each mailbox's own (a meeting's reminder, show-as,
   * categories). What another copy agreed with a record speaks for these only.
   */
  sharedFields?: readonly string[];
  /**
   * The fields of an item holding `snapshot` that its organizer cancelled and no write can bring
   * back, each with what it is in plain words: a series' cancelled occurrence ("the occurrence on
   * 12 March 2027"; Exchange restores one only by sending the pattern again, which drops every
   * other exception). In two-way sync the item's value stands whatever the conflict policy: the
   * record takes it, and the run reports the CRM's value that gave way.
   */
  cancelledParts?(snapshot: Snapshot, options: O): Readonly<Record<string, string>>;
  /**
   * The projection written when the engine withdraws Projection.sends (a first sync, a record
   * that came from Exchange): what the write then leaves out (a Graph meeting's attendees) is
   * not in its snapshot, so the link records what the item holds.
   */
  withoutSending?(projection: Projection, options: O): Projection;
  /**
   * The CRM patch that writes an attendee's answer into the record (their participant's
   * response); undefined when the record already holds it or names no such participant.
   */
  answerPatch?(record: R, answer: SharedAnswer, options: O): Record<string, unknown> | undefined;
  /** Import hook run before records are created (B2 links contacts to accounts). */
  beforeImport?(inputs: Array<Record<string, unknown>>, crm: Crm, principal: Principal): Promise<void>;
  /** Import hook for an update that changed these fields. */
  beforeImportUpdate?(
    patch: Record<string, unknown>,
    changed: Snapshot,
    crm: Crm,
    principal: Principal,
  ): Promise<void>;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'held' | 'abandoned';

export interface DirectionCounts {
  created: number;
  updated: number;
  deleted: number;
  unlinked: number;
}

export interface RunCounts {
  import: DirectionCounts;
  export: DirectionCounts;
}

export interface SkippedEntry {
  ref: string;
  reason: string;
  /** The CRM record whose value was left out, so that screens can name and link it. */
  recordId?: string;
  /** The record's field the value belongs to (emails, phones, …). */
  field?: string;
}

export interface RunError {
  ref: string;
  code: string;
  message: string;
}
