// The protocol-neutral face of a mailbox: what the sync engine calls, whatever the mailbox speaks
// (EWS for Exchange Server on-premises, Microsoft Graph for Microsoft 365).
import type { ConnectorError } from './errors.ts';

export type FolderKind = 'contacts' | 'calendar' | 'tasks' | 'mail';

export type Protocol = 'ews' | 'graph';

export interface FolderNode {
  id: string;
  name: string;
  kind: FolderKind;
  parentId?: string;
  /** Distinguished folder it is, when it is one (`contacts`, `calendar`, `tasks`, `inbox`, `sentitems`, …). */
  wellKnown?: string;
  /**
   * Someone else's folder shared with this mailbox (Graph To Do lists with `isOwner: false`);
   * absent for the mailbox's own folders.
   */
  sharedWithMe?: true;
  children: FolderNode[];
}

/** The address of a folder of items: changes, reads and writes are always relative to one. */
export interface FolderRef {
  kind: FolderKind;
  id: string;
}

// ---------- neutral item models ----------

export interface EmailAddress {
  address: string;
  name?: string;
}

export type PhoneType =
  | 'business'
  | 'business2'
  | 'home'
  | 'home2'
  | 'mobile'
  | 'businessFax'
  | 'homeFax'
  | 'other'
  | 'assistant'
  | 'pager'
  | 'car'
  | 'companyMain'
  | 'radio'
  | 'callback'
  | 'isdn'
  | 'otherFax'
  | 'primary'
  | 'telex'
  | 'ttyTdd';

export interface Phone {
  type: PhoneType;
  number: string;
}

export type AddressType = 'business' | 'home' | 'other';

export interface PostalAddress {
  type: AddressType;
  street?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  countryOrRegion?: string;
}

export interface NeutralContact {
  givenName?: string;
  middleName?: string;
  surname?: string;
  displayName?: string;
  companyName?: string;
  jobTitle?: string;
  department?: string;
  /** At most three on Exchange. */
  emails: EmailAddress[];
  phones: Phone[];
  addresses: PostalAddress[];
  website?: string;
  /** `YYYY-MM-DD`. */
  birthday?: string;
  notes?: string;
  categories: string[];
}

/** A wall-clock time in a time zone. */
export interface ZonedDateTime {
  /** `YYYY-MM-DDTHH:mm:ss`, local to `timeZone`. */
  dateTime: string;
  /** IANA name (`Europe/Berlin`); Windows names are converted at the protocol edge. */
  timeZone: string;
}

export type DayOfWeek = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';
export type WeekIndex = 'first' | 'second' | 'third' | 'fourth' | 'last';

export interface RecurrencePattern {
  type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
  interval: number;
  daysOfWeek?: DayOfWeek[];
  dayOfMonth?: number;
  /** 1–12. */
  month?: number;
  index?: WeekIndex;
  firstDayOfWeek?: DayOfWeek;
}

export interface RecurrenceRange {
  type: 'endDate' | 'noEnd' | 'numbered';
  /** `YYYY-MM-DD`. */
  startDate: string;
  endDate?: string;
  numberOfOccurrences?: number;
}

export interface Recurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

export type AttendeeType = 'required' | 'optional' | 'resource';
export type ResponseStatus = 'none' | 'organizer' | 'accepted' | 'tentative' | 'declined' | 'notResponded';

export interface Attendee extends EmailAddress {
  type: AttendeeType;
  response: ResponseStatus;
}

export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export type Importance = 'low' | 'normal' | 'high';

export interface ItemBody {
  contentType: 'text' | 'html';
  content: string;
}

/** What a modified occurrence of a series changes, keyed by the start it had in the series. */
export interface OccurrenceChange {
  /** ISO instant (UTC) the occurrence was originally scheduled at. */
  originalStart: string;
  id?: string;
  subject?: string;
  start?: ZonedDateTime;
  end?: ZonedDateTime;
  location?: string;
  body?: ItemBody;
  /** The occurrence's own free/busy status; undefined when it was not read (or is not to be written). */
  showAs?: ShowAs;
  /**
   * Minutes before the occurrence's start, null when it has no reminder; undefined when it was
   * not read (or is not to be written).
   */
  reminderMinutes?: number | null;
}

export interface NeutralEvent {
  subject: string;
  body?: ItemBody;
  start: ZonedDateTime;
  end: ZonedDateTime;
  isAllDay: boolean;
  location?: string;
  organizer?: EmailAddress;
  attendees: Attendee[];
  /** Minutes before start; undefined when no reminder is set. */
  reminderMinutes?: number;
  showAs: ShowAs;
  importance: Importance;
  categories: string[];
  /** Read only: the join link of an online meeting. */
  onlineMeetingUrl?: string;
  /**
   * The meeting's clean global object id (EWS `UID`, Graph `iCalUId`), the same in the
   * organizer's and every attendee's copy: the key that tells two mailboxes' copies are one meeting.
   */
  iCalUId?: string;
  /** Read only: whether this mailbox organizes the meeting (EWS `IsOrganizer`, Graph `isOrganizer`). */
  isOrganizer?: boolean;
  /** Read only: this mailbox's own answer (EWS `MyResponseType`, Graph `responseStatus`). */
  myResponse?: ResponseStatus;
  /** Read only: an attendee's copy the organizer cancelled (EWS `IsCancelled`, Graph `isCancelled`). */
  isCancelled?: boolean;
  type: 'single' | 'seriesMaster' | 'occurrence' | 'exception';
  recurrence?: Recurrence;
  /** Series masters only. */
  modifiedOccurrences?: OccurrenceChange[];
  /** Series masters only: ISO instants (UTC) of occurrences removed from the series. */
  deletedOccurrences?: string[];
}

export type TaskStatus = 'notStarted' | 'inProgress' | 'completed' | 'waitingOnOthers' | 'deferred';

export interface NeutralTask {
  subject: string;
  body?: ItemBody;
  start?: ZonedDateTime;
  due?: ZonedDateTime;
  status: TaskStatus;
  importance: Importance;
  /** 0–100 (EWS only; Graph To Do has no such field). */
  percentComplete?: number;
  /** ISO instant (UTC). */
  reminderAt?: string;
  categories: string[];
  completed?: ZonedDateTime;
  /** Read only: whose task it is, by display name (EWS `Owner`; Graph To Do tasks have none). */
  owner?: string;
}

export interface AttachmentInfo {
  id: string;
  name: string;
  contentType?: string;
  size?: number;
  isInline?: boolean;
}

export interface NeutralMessage {
  subject: string;
  body?: ItemBody;
  from?: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  /** ISO instants (UTC). */
  sentAt?: string;
  receivedAt?: string;
  internetMessageId?: string;
  isRead?: boolean;
  isDraft?: boolean;
  attachments: AttachmentInfo[];
}

export interface ItemByKind {
  contacts: NeutralContact;
  calendar: NeutralEvent;
  tasks: NeutralTask;
  mail: NeutralMessage;
}

export type NeutralItem = ItemByKind[FolderKind];

// ---------- operations ----------

/** An item's id and the version the server holds (EWS ChangeKey, Graph ETag). */
export interface ItemVersion {
  id: string;
  version: string;
}

export interface VersionedItem<T> extends ItemVersion {
  item: T;
}

/**
 * One page of changes of a folder.
 *
 * `cursor` resumes after this page. Store it only once the page's upserts and deletes are applied:
 * a cursor saved before that would skip the page after a crash. The same item may appear on
 * several pages of one round (the newest copy wins); `done` says the round has caught up with the
 * server, so the cursor is the one to keep until the next run.
 */
export interface ChangePage<T> {
  upserts: Array<VersionedItem<T>>;
  deletes: string[];
  cursor: string;
  done: boolean;
  /**
   * Some of what this page's position covers comes on a later page of the same read (Graph: a
   * series the calendar view listed here, fetched with later pages' series to fill a `$batch`).
   * Apply the page, but do not save its cursor: the first later page without the mark covers
   * it. A `done` page never carries it.
   */
  partial?: true;
}

export interface ReadChangesOptions {
  /** Changes per page (EWS 1–512, Graph page size). */
  pageSize?: number;
  signal?: AbortSignal;
  /**
   * Calendars on Graph: the time window `calendarView/delta` reads (the only event delta Graph
   * v1.0 documents). Default `calendarWindow()`: this month to 18 months ahead. A cursor is
   * bound to its window; given a different one, `readChanges` throws `resync_needed` so the
   * caller reads the calendar afresh over the new window. EWS reads whole folders and ignores it.
   */
  window?: TimeWindow;
}

/** How a write may touch a meeting's attendees. */
export interface WriteOptions {
  /**
   * Whether attendees may be written. Graph mails attendees whenever an event with attendees is
   * created or its attendees change, and has no switch against it: without `true` a Graph write
   * leaves attendees out (a create makes a meeting without them, an update leaves them as they
   * are). EWS writes attendees either way, since it never sends anything (`SendToNone`).
   */
  writeAttendees?: boolean;
}

export type ItemResult<T> =
  | ({ ok: true } & VersionedItem<T>)
  | { ok: false; id: string; error: ConnectorError };

/**
 * A created item. `unwritten`: a write that follows the create (a new series' modified and
 * deleted occurrences, written on the occurrences once the series exists) failed; the item
 * exists all the same, without what that write carried (some of it, where it took several
 * requests), and `version` may be older than the item's.
 */
export type CreatedItem = ItemVersion & {
  unwritten?: ConnectorError;
  /** The item's global object id (a meeting's iCalUId), where the create's answer gives it. */
  globalId?: string;
};

export type CreateResult = ({ ok: true } & CreatedItem) | { ok: false; error: ConnectorError };

export interface TimeWindow {
  /** ISO instants. */
  start: string;
  end: string;
}

export type BusyStatus = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

export interface FreeBusySlot {
  start: string;
  end: string;
  status: BusyStatus;
}

export interface FreeBusyResult {
  address: string;
  slots: FreeBusySlot[];
  /** Set when the server could not tell for this address. */
  error?: string;
}

export type ConnectionProblem =
  | 'unresolvable'
  | 'refused'
  | 'private_address'
  | 'tls'
  | 'timeout'
  | 'unauthorized'
  | 'not_exchange'
  | 'permission_denied'
  | 'other';

export type ConnectionTestResult =
  | { ok: true; mailbox: string; message: string }
  | { ok: false; problem: ConnectionProblem; message: string };

export interface SubscriptionRequest {
  folders: FolderRef[];
  /** Graph: the public HTTPS URL Microsoft posts to. */
  notificationUrl?: string;
  /** Graph: a secret echoed in each notification. */
  clientState?: string;
  /** Graph: when the subscription should lapse (renew before). */
  expiresAt?: string;
}

export interface SubscriptionHandle {
  id: string;
  /** ISO instant the server lets the subscription lapse, if it says. */
  expiresAt?: string;
  /** The folder each server-side subscription covers (Graph has one per resource). */
  parts: Array<{ id: string; folder: FolderRef }>;
}

/** A push signal: it carries no change key, it only tells which folder to sync. */
export type ChangeSignal =
  | { type: 'changed'; folderId?: string }
  /** The server lost track (missed events, expired subscription): run a full catch-up. */
  | { type: 'resync'; reason: string };

export interface ExchangeConnector {
  readonly protocol: Protocol;
  /** The mailbox this connector reads and writes. */
  readonly mailbox: string;
  /**
   * The most items a caller hands one `createItems` call (100 when absent: one EWS CreateItem).
   * A connector that splits them into requests of its own (Graph: `$batch`es of 20) takes more,
   * so that what is written after the creates (a series' occurrences) shares its requests over
   * more items.
   */
  readonly createItemsLimit?: number;

  testConnection(): Promise<ConnectionTestResult>;
  /**
   * EWS: the mailbox owner's display name as Exchange knows it, the name Exchange writes into
   * the Owner of the mailbox's own tasks; null when Exchange does not say. Graph has no use for
   * it: a To Do list says itself whether the user owns it (`isOwner`).
   */
  ownerDisplayName?(): Promise<string | null>;
  listFolders(kind: FolderKind): Promise<FolderNode[]>;
  /** Pages of changes since `cursor` (undefined: from scratch). Throws `resync_needed` when the cursor is no longer accepted. */
  readChanges<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    cursor: string | undefined,
    options?: ReadChangesOptions,
  ): AsyncIterable<ChangePage<ItemByKind[K]>>;
  getItems<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    ids: string[],
  ): Promise<Array<ItemResult<ItemByKind[K]>>>;
  /**
   * For a folder read over a window (a calendar on Graph): the items of `ids` that a read from
   * scratch did not list, read again through the folder itself. Those it still holds (moved out
   * of the window) come back in `upserts` as they are now; those it no longer holds (deleted, or
   * in Deleted Items) in `deletes`. `undefined` when the folder is not read over a window, so
   * that an item a read does not list is gone (EWS, Graph contacts and tasks).
   */
  confirmUnlisted?<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    ids: string[],
    options: { window?: TimeWindow },
  ): Promise<Pick<ChangePage<ItemByKind[K]>, 'upserts' | 'deletes'> | undefined>;
  /**
   * Never sends a meeting request (EWS `SendToNone`; Graph only with `writeAttendees`). Once the
   * item exists, a failure of what is written after it is `unwritten`, never thrown: a caller
   * told the create failed could make the item a second time.
   */
  createItem<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    item: ItemByKind[K],
    options?: WriteOptions,
  ): Promise<CreatedItem>;
  /**
   * Creates several items in as few requests as the protocol allows (EWS: one CreateItem; Graph:
   * `$batch`es of 20). One result per item, in order; a failed item does not stop the others.
   */
  createItems?<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    items: Array<ItemByKind[K]>,
    options?: WriteOptions,
  ): Promise<CreateResult[]>;
  /**
   * Refuses with `conflict` when the server holds a newer version than `version`. `previous` is
   * the item as the caller knows the server holds it: given, only what differs from it is
   * written (EWS `SetItemField`/`DeleteItemField`, Graph `PATCH` of the changed properties), so
   * values the caller does not carry — phone slots it has no field for — stay as they are, and
   * an unchanged recurrence (which Exchange would rebuild, dropping the series' exceptions) or
   * unchanged attendees are never sent. Never sends a meeting update (EWS `SendToNone`).
   */
  updateItem<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    id: string,
    version: string,
    item: ItemByKind[K],
    previous?: ItemByKind[K],
    options?: WriteOptions,
  ): Promise<ItemVersion>;
  /**
   * EWS never sends a cancellation (`SendToNone`). Graph has no switch: deleting the organizer's
   * copy of a meeting whose attendees were invited cancels it for them.
   */
  deleteItem(folder: FolderRef, id: string): Promise<void>;
  freeBusy(addresses: string[], window: TimeWindow, intervalMinutes?: number): Promise<FreeBusyResult[]>;
  /** Sends and saves a copy to Sent Items. */
  sendMessage(message: NeutralMessage): Promise<void>;

  subscribe?(request: SubscriptionRequest): Promise<SubscriptionHandle>;
  renewSubscription?(handle: SubscriptionHandle, expiresAt?: string): Promise<SubscriptionHandle>;
  unsubscribe?(handle: SubscriptionHandle): Promise<void>;
  /** EWS streaming: signals until `signal` aborts or the server ends the stream. */
  streamSignals?(
    handle: SubscriptionHandle,
    options?: { signal?: AbortSignal; timeoutMinutes?: number },
  ): AsyncIterable<ChangeSignal>;
}
