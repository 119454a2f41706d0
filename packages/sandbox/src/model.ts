// The sandbox's data model: what an Exchange mailbox holds, independent of the protocol that
// reads it. EWS (ews/) and Graph (graph/) are two views of these records,
// so a change made through one is seen by the other, as on a real server.
//
// Conventions, chosen to match Exchange's own storage:
// - instants are ISO 8601 strings in UTC with a `Z` (`2026-11-22T09:00:00.000Z`);
// - calendar dates are `YYYY-MM-DD`;
// - time zones are Windows zone names (`W. Europe Standard Time`), as Exchange stores them;
// - ids and change keys are opaque strings; an item keeps its id when it moves between folders
//   (like Graph's ImmutableId), and gets a new change key on every change.

import type { Recurrence, Occurrence as SeriesOccurrence } from '@exsync/common/recurrence';

export type FolderClass =
  | 'IPF.Note'
  | 'IPF.Contact'
  | 'IPF.Appointment'
  | 'IPF.Task'
  | 'IPF'
  // Classes of Exchange's own default folders that hold no contacts, events or tasks of their own.
  | 'IPF.StickyNote'
  | 'IPF.Journal'
  | 'IPF.Contact.RecipientCache'
  | 'IPF.Contact.MOC.QuickContacts'
  | 'IPF.Contact.MOC.ImContactList';

export type DistinguishedFolderId =
  | 'root'
  | 'msgfolderroot'
  | 'inbox'
  | 'sentitems'
  | 'deleteditems'
  | 'drafts'
  | 'outbox'
  | 'contacts'
  | 'calendar'
  | 'tasks'
  | 'junkemail'
  | 'notes'
  | 'journal'
  | 'conversationhistory'
  | 'syncissues'
  | 'conflicts'
  | 'localfailures'
  | 'serverfailures'
  | 'searchfolders'
  | 'recoverableitemsroot'
  | 'recoverableitemsdeletions'
  | 'recoverableitemsversions'
  | 'recoverableitemspurges'
  | 'recoverableitemsdiscoveryholds'
  | 'recipientcache'
  | 'quickcontacts'
  | 'imcontactlist';

export interface Folder {
  id: string;
  changeKey: string;
  parentId: string | null;
  displayName: string;
  folderClass: FolderClass;
  /** Set on the well-known folders that EWS names with DistinguishedFolderId. */
  distinguishedId?: DistinguishedFolderId;
  /**
   * A To Do list another user shared with this mailbox: the address of its owner. Graph shows it
   * with `isOwner: false` and `isShared: true`; its tasks are the owner's, not the mailbox user's.
   */
  sharedBy?: string;
}

export type ItemKind = 'contact' | 'event' | 'task' | 'message';

export interface EmailAddress {
  address: string;
  name?: string;
}

/** Exchange's fixed phone slots (EWS PhoneNumberKeyType). */
export type PhoneKey =
  | 'BusinessPhone'
  | 'BusinessPhone2'
  | 'HomePhone'
  | 'HomePhone2'
  | 'MobilePhone'
  | 'OtherTelephone'
  | 'BusinessFax'
  | 'HomeFax'
  | 'OtherFax'
  | 'AssistantPhone'
  | 'CompanyMainPhone'
  | 'Pager'
  | 'CarPhone'
  | 'Callback'
  | 'Isdn'
  | 'RadioPhone'
  | 'Telex'
  | 'TtyTddPhone'
  | 'PrimaryPhone';

export type AddressKey = 'Business' | 'Home' | 'Other';

export interface PostalAddress {
  street?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  countryOrRegion?: string;
}

export interface Body {
  contentType: 'text' | 'html';
  content: string;
}

/**
 * A MAPI property an application set on an item (EWS ExtendedProperty, Graph
 * singleValueExtendedProperties / multiValueExtendedProperties). Named by a property tag, or by
 * a property set GUID with a name or a numeric id. Stored as Exchange stores it, so both
 * protocols read the same value.
 */
export interface ExtendedProperty {
  /** MAPI type as EWS names it: String, Integer, Boolean, SystemTime, Binary, …; `…Array` when multi-valued. */
  type: string;
  /** Property tag (e.g. 0x3A45) for a tagged property. */
  tag?: number;
  /** Property set GUID, lower case (distinguished sets are stored by their GUID). */
  propertySetId?: string;
  name?: string;
  id?: number;
  /** One value for a single-valued property; values as EWS writes them (xs:string forms). */
  values: string[];
}

/** Data every kind of item can carry besides its own fields. */
export interface ExtensibleData {
  extendedProperties?: ExtendedProperty[];
}

export interface ContactData extends ExtensibleData {
  givenName?: string;
  middleName?: string;
  surname?: string;
  displayName?: string;
  nickName?: string;
  initials?: string;
  /** How the contact is filed (Outlook's "File as"); derived from the name when absent. */
  fileAs?: string;
  companyName?: string;
  jobTitle?: string;
  department?: string;
  /** At most three, in slot order (EmailAddress1..3). */
  emailAddresses: EmailAddress[];
  phones: Partial<Record<PhoneKey, string>>;
  addresses: Partial<Record<AddressKey, PostalAddress>>;
  businessHomePage?: string;
  /** `YYYY-MM-DD`. */
  birthday?: string;
  notes?: string;
  categories: string[];
}

export type AttendeeType = 'required' | 'optional' | 'resource';
export type ResponseType =
  | 'none'
  | 'organizer'
  | 'tentativelyAccepted'
  | 'accepted'
  | 'declined'
  | 'notResponded';

export interface Attendee {
  email: EmailAddress;
  type: AttendeeType;
  response: ResponseType;
  /** When the attendee last responded (UTC instant). */
  responseTime?: string;
}

// The recurrence and its expansion are @exsync/common's, shared with Exsync's web UI.
export type { DayOfWeek, Recurrence, WeekIndex } from '@exsync/common/recurrence';

export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export type Importance = 'low' | 'normal' | 'high';
export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential';

/** What a modified occurrence overrides on its series master. */
export interface OccurrenceOverride {
  /** Stable id of the exception (Graph exposes exceptions as events of type `exception`). */
  id: string;
  changeKey: string;
  /** Start of the occurrence as the pattern put it (UTC instant); identifies the occurrence. */
  originalStart: string;
  subject?: string;
  start?: string;
  end?: string;
  location?: string;
  body?: Body;
  showAs?: ShowAs;
  /** The occurrence's own reminder (Exchange keeps it on the exception, as its free/busy status). */
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  isCancelled?: boolean;
}

/** An occurrence of a recurring event, carrying the event's exception when it has one. */
export type Occurrence = SeriesOccurrence<OccurrenceOverride>;

export interface EventData extends ExtensibleData {
  subject: string;
  body?: Body;
  /** UTC instants. For all-day events, midnight in `startTimeZone`, converted to UTC. */
  start: string;
  end: string;
  startTimeZone: string;
  endTimeZone: string;
  isAllDay: boolean;
  location?: string;
  organizer: EmailAddress;
  attendees: Attendee[];
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  showAs: ShowAs;
  importance: Importance;
  sensitivity: Sensitivity;
  categories: string[];
  onlineMeetingUrl?: string;
  /** Shared by the organizer's and every attendee's copy of one meeting. */
  iCalUId: string;
  /** Set by clients to make a retried create idempotent (Graph `transactionId`). */
  transactionId?: string;
  isCancelled: boolean;
  /** False on an attendee's copy that came from an invitation (EWS IsOrganizer, Graph isOrganizer). */
  isOrganizer: boolean;
  /**
   * The organizer has sent requests for this meeting (EWS MeetingRequestWasSent): false after a
   * create with SendToNone until an update is sent. Absent on meetings put in by hand, which
   * read as sent.
   */
  meetingRequestWasSent?: boolean;
  responseRequested: boolean;
  recurrence?: Recurrence;
  modifiedOccurrences: OccurrenceOverride[];
  /** Original starts (UTC instants) of deleted occurrences. */
  deletedOccurrences: string[];
}

export type TaskStatus = 'notStarted' | 'inProgress' | 'completed' | 'waitingOnOthers' | 'deferred';

export interface TaskData extends ExtensibleData {
  subject: string;
  body?: Body;
  /** `YYYY-MM-DD` */
  startDate?: string;
  /** `YYYY-MM-DD` */
  dueDate?: string;
  status: TaskStatus;
  importance: Importance;
  percentComplete: number;
  isReminderOn: boolean;
  /** UTC instant */
  reminderDateTime?: string;
  categories: string[];
  /** UTC instant */
  completedDateTime?: string;
  /** The mailbox user who owns the task (EWS Owner). */
  owner?: string;
  recurrence?: Recurrence;
}

export interface Attachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId?: string;
  /** base64 */
  contentBytes: string;
}

/**
 * What a meeting message is, as Exchange's message classes tell them apart:
 * IPM.Schedule.Meeting.Request (a new request or an update), .Canceled, and the responses
 * .Resp.Pos / .Resp.Tent / .Resp.Neg.
 */
export type MeetingMessageType = 'request' | 'cancellation' | 'accepted' | 'tentativelyAccepted' | 'declined';

/** The meeting a request, cancellation or response is about. */
export interface MeetingMessageInfo {
  type: MeetingMessageType;
  /** For requests: the first invitation, or an update of one sent before (EWS MeetingRequestType). */
  requestType?: 'newMeetingRequest' | 'fullUpdate' | 'informationalUpdate';
  /** UID of the meeting, shared by the organizer's and the attendees' calendar items. */
  iCalUId: string;
  /** UTC instants of the meeting as the message describes it. */
  start: string;
  end: string;
  isAllDay: boolean;
  location?: string;
  /** Free/busy status the organizer intends attendees to show once they accept. */
  intendedShowAs?: ShowAs;
  responseRequested?: boolean;
}

export interface MessageData extends ExtensibleData {
  subject: string;
  body: Body;
  from?: EmailAddress;
  sender?: EmailAddress;
  toRecipients: EmailAddress[];
  ccRecipients: EmailAddress[];
  bccRecipients: EmailAddress[];
  replyTo: EmailAddress[];
  /** RFC 5322 Message-ID with angle brackets. */
  internetMessageId: string;
  conversationId?: string;
  sentDateTime?: string;
  receivedDateTime?: string;
  isRead: boolean;
  isDraft: boolean;
  importance: Importance;
  categories: string[];
  attachments: Attachment[];
  /** Set on meeting requests, cancellations and responses; absent on ordinary mail. */
  meeting?: MeetingMessageInfo;
}

export interface ItemDataByKind {
  contact: ContactData;
  event: EventData;
  task: TaskData;
  message: MessageData;
}

export interface Item<K extends ItemKind = ItemKind> {
  id: string;
  changeKey: string;
  folderId: string;
  kind: K;
  /** UTC instants */
  createdDateTime: string;
  lastModifiedDateTime: string;
  data: ItemDataByKind[K];
}

export type AnyItem = { [K in ItemKind]: Item<K> }[ItemKind];

/** One entry of a folder's change log. `seq` grows by one per change within the mailbox. */
export interface ItemChange {
  seq: number;
  type: 'create' | 'update' | 'delete' | 'readFlag';
  itemId: string;
  folderId: string;
  /** When the change happened (UTC instant). */
  at: string;
}

export interface FolderChange {
  seq: number;
  type: 'create' | 'update' | 'delete';
  folderId: string;
  parentId: string | null;
  at: string;
}

export interface Mailbox {
  /** Opaque stable id (Graph user id). */
  id: string;
  tenantId: string;
  /** Primary SMTP address, lower case. */
  address: string;
  displayName: string;
  /** Plain text: the sandbox is a test double; real credentials never reach it. */
  password: string;
  /** May impersonate every mailbox of its tenant (EWS ApplicationImpersonation). */
  canImpersonate: boolean;
  /** Windows zone name of the mailbox's working hours. */
  timeZone: string;
  /**
   * Conditional Access demands multi-factor authentication: sign-ins that cannot do it (the
   * username/password grant) are refused with AADSTS50076, as Entra ID does.
   */
  requiresMfa?: boolean;
}

export interface Tenant {
  /** GUID, as Entra ID tenant ids are. */
  id: string;
  /** Primary domain, e.g. `example.test`. */
  domain: string;
  displayName: string;
}

export interface AppRegistration {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  displayName: string;
  redirectUris: string[];
  /** Application permissions granted with admin consent (app-only tokens carry them as `roles`). */
  applicationPermissions: string[];
  /**
   * "Allow public client flows": the username/password and device code grants may be used
   * without a client secret. Off by default, as in Entra ID.
   */
  allowPublicClient?: boolean;
}

/** Thrown by store operations; the protocol layers turn `code` into their own fault shapes. */
export type StoreErrorCode =
  | 'notFound'
  | 'folderNotFound'
  | 'mailboxNotFound'
  | 'staleChangeKey'
  | 'invalidSyncState'
  | 'invalidArgument'
  | 'quotaExceeded';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}
