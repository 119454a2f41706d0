// The neutral model (model.ts) as zod schemas, so the admin API refuses malformed input with a
// message naming the field, instead of storing it.
import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
const date = z.iso.date();
const email = z.strictObject({ address: z.string().min(3), name: z.string().optional() });
const body = z.strictObject({ contentType: z.enum(['text', 'html']), content: z.string() });
const importance = z.enum(['low', 'normal', 'high']);
const dayOfWeek = z.enum(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']);

const phoneKey = z.enum([
  'BusinessPhone',
  'BusinessPhone2',
  'HomePhone',
  'HomePhone2',
  'MobilePhone',
  'OtherTelephone',
  'BusinessFax',
  'HomeFax',
  'OtherFax',
  'AssistantPhone',
  'CompanyMainPhone',
  'Pager',
  'CarPhone',
  'Callback',
  'Isdn',
  'RadioPhone',
  'Telex',
  'TtyTddPhone',
  'PrimaryPhone',
]);
const postalAddress = z.strictObject({
  street: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postalCode: z.string().optional(),
  countryOrRegion: z.string().optional(),
});

export const contactData = z.strictObject({
  givenName: z.string().optional(),
  middleName: z.string().optional(),
  surname: z.string().optional(),
  displayName: z.string().optional(),
  nickName: z.string().optional(),
  fileAs: z.string().optional(),
  initials: z.string().optional(),
  companyName: z.string().optional(),
  jobTitle: z.string().optional(),
  department: z.string().optional(),
  emailAddresses: z.array(email).max(3, 'a contact holds at most three email addresses').default([]),
  phones: z.partialRecord(phoneKey, z.string()).default({}),
  addresses: z.partialRecord(z.enum(['Business', 'Home', 'Other']), postalAddress).default({}),
  businessHomePage: z.string().optional(),
  birthday: date.optional(),
  notes: z.string().optional(),
  categories: z.array(z.string()).default([]),
});

const recurrence = z.strictObject({
  pattern: z.strictObject({
    type: z.enum([
      'daily',
      'weekly',
      'absoluteMonthly',
      'relativeMonthly',
      'absoluteYearly',
      'relativeYearly',
    ]),
    interval: z.number().int().min(1),
    daysOfWeek: z.array(dayOfWeek).optional(),
    dayOfMonth: z.number().int().min(1).max(31).optional(),
    month: z.number().int().min(1).max(12).optional(),
    index: z.enum(['first', 'second', 'third', 'fourth', 'last']).optional(),
    firstDayOfWeek: dayOfWeek.optional(),
  }),
  range: z.strictObject({
    type: z.enum(['endDate', 'noEnd', 'numbered']),
    startDate: date,
    endDate: date.optional(),
    numberOfOccurrences: z.number().int().min(1).optional(),
    recurrenceTimeZone: z.string().optional(),
  }),
});

const showAs = z.enum(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown']);

export const eventData = z.strictObject({
  subject: z.string(),
  body: body.optional(),
  start: instant,
  end: instant,
  startTimeZone: z.string().default('UTC'),
  endTimeZone: z.string().optional(),
  isAllDay: z.boolean().default(false),
  location: z.string().optional(),
  organizer: email,
  attendees: z
    .array(
      z.strictObject({
        email,
        type: z.enum(['required', 'optional', 'resource']).default('required'),
        response: z
          .enum(['none', 'organizer', 'tentativelyAccepted', 'accepted', 'declined', 'notResponded'])
          .default('notResponded'),
        responseTime: instant.optional(),
      }),
    )
    .default([]),
  isReminderOn: z.boolean().default(true),
  reminderMinutesBeforeStart: z.number().int().min(0).default(15),
  showAs: showAs.default('busy'),
  importance: importance.default('normal'),
  sensitivity: z.enum(['normal', 'personal', 'private', 'confidential']).default('normal'),
  categories: z.array(z.string()).default([]),
  onlineMeetingUrl: z.string().optional(),
  iCalUId: z.string().optional(),
  transactionId: z.string().optional(),
  isCancelled: z.boolean().default(false),
  isOrganizer: z.boolean().default(true),
  responseRequested: z.boolean().default(true),
  recurrence: recurrence.optional(),
  modifiedOccurrences: z
    .array(
      z.strictObject({
        id: z.string().optional(),
        changeKey: z.string().optional(),
        originalStart: instant,
        subject: z.string().optional(),
        start: instant.optional(),
        end: instant.optional(),
        location: z.string().optional(),
        body: body.optional(),
        showAs: showAs.optional(),
        isCancelled: z.boolean().optional(),
      }),
    )
    .default([]),
  deletedOccurrences: z.array(instant).default([]),
});

export const taskData = z.strictObject({
  subject: z.string(),
  body: body.optional(),
  startDate: date.optional(),
  dueDate: date.optional(),
  status: z
    .enum(['notStarted', 'inProgress', 'completed', 'waitingOnOthers', 'deferred'])
    .default('notStarted'),
  importance: importance.default('normal'),
  percentComplete: z.number().min(0).max(100).optional(),
  isReminderOn: z.boolean().default(false),
  reminderDateTime: instant.optional(),
  categories: z.array(z.string()).default([]),
  completedDateTime: instant.optional(),
  owner: z.string().optional(),
  recurrence: recurrence.optional(),
});

export const messageData = z.strictObject({
  subject: z.string().default(''),
  body: body.default({ contentType: 'text', content: '' }),
  from: email.optional(),
  sender: email.optional(),
  toRecipients: z.array(email).default([]),
  ccRecipients: z.array(email).default([]),
  bccRecipients: z.array(email).default([]),
  replyTo: z.array(email).default([]),
  internetMessageId: z.string().optional(),
  conversationId: z.string().optional(),
  sentDateTime: instant.optional(),
  receivedDateTime: instant.optional(),
  isRead: z.boolean().default(false),
  isDraft: z.boolean().default(false),
  importance: importance.default('normal'),
  categories: z.array(z.string()).default([]),
  attachments: z
    .array(
      z.strictObject({
        id: z.string().optional(),
        name: z.string(),
        contentType: z.string().default('application/octet-stream'),
        size: z.number().int().min(0).optional(),
        isInline: z.boolean().default(false),
        contentId: z.string().optional(),
        contentBytes: z.base64(),
      }),
    )
    .default([]),
});

export const dataSchemaByKind = {
  contact: contactData,
  event: eventData,
  task: taskData,
  message: messageData,
} as const;

/** Patches: every field optional, no defaults (absent means unchanged), null removes a field. */
export function patchSchema(kind: keyof typeof dataSchemaByKind) {
  const shape = dataSchemaByKind[kind].shape as Record<string, z.ZodType>;
  const fields: Record<string, z.ZodType> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const inner = schema instanceof z.ZodDefault ? (schema.def.innerType as z.ZodType) : schema;
    const base = inner instanceof z.ZodOptional ? (inner.def.innerType as z.ZodType) : inner;
    fields[name] = base.nullable().optional();
  }
  return z.strictObject(fields);
}

export const createItemBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('contact'), data: contactData }),
  z.strictObject({ kind: z.literal('event'), data: eventData }),
  z.strictObject({ kind: z.literal('task'), data: taskData }),
  z.strictObject({ kind: z.literal('message'), data: messageData }),
]);

export const createTenantBody = z.strictObject({
  domain: z.string().min(3),
  displayName: z.string().optional(),
  id: z.uuid().optional(),
});

export const createMailboxBody = z.strictObject({
  tenant: z.string().min(1).describe('tenant id or domain'),
  address: z.email(),
  displayName: z.string().min(1),
  password: z.string().min(1),
  canImpersonate: z.boolean().optional(),
  timeZone: z.string().optional(),
  requiresMfa: z.boolean().optional(),
  id: z.string().optional(),
});

export const createAppBody = z.strictObject({
  tenant: z.string().min(1),
  displayName: z.string().min(1),
  redirectUris: z.array(z.url()).default([]),
  applicationPermissions: z.array(z.string()).default([]),
  clientId: z.uuid().optional(),
  clientSecret: z.string().min(8).optional(),
  allowPublicClient: z.boolean().optional(),
});

const fault = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('throttle'), retryAfterMs: z.number().int().min(0) }),
  z.strictObject({ kind: z.literal('concurrency') }),
  z.strictObject({
    kind: z.literal('serverError'),
    status: z.union([z.literal(500), z.literal(503)]),
    retryAfterMs: z.number().int().min(0).optional(),
  }),
  z.strictObject({ kind: z.literal('latency'), ms: z.number().int().min(0).max(600_000) }),
  z.strictObject({ kind: z.literal('drop') }),
  z.strictObject({ kind: z.literal('expireSyncState') }),
]);

export const createFaultBody = z.strictObject({
  id: z.string().min(1).optional(),
  protocol: z.enum(['ews', 'graph', 'identity', 'autodiscover']).optional(),
  tenant: z.string().optional(),
  mailbox: z.string().optional(),
  operation: z.string().optional(),
  fault,
  rate: z.number().min(0).max(1).optional(),
  times: z.number().int().min(0).optional(),
  seed: z.number().int().optional(),
});

export const createFolderBody = z.strictObject({
  parentId: z.string().min(1).default('msgfolderroot'),
  displayName: z.string().min(1),
  folderClass: z.enum(['IPF.Note', 'IPF.Contact', 'IPF.Appointment', 'IPF.Task', 'IPF']).default('IPF.Note'),
});

export const updateFolderBody = z.strictObject({ displayName: z.string().min(1) });
export const moveItemBody = z.strictObject({ folderId: z.string().min(1) });
export const expireBody = z.strictObject({ mailbox: z.string().optional() }).default({});
export const syncStateRuleBody = z.strictObject({
  maxAgeMs: z.number().int().min(0).optional(),
  maxChangesBehind: z.number().int().min(0).optional(),
});
export const revokeTokenBody = z.strictObject({ refreshToken: z.string().min(1) });
export const generateBody = z.strictObject({
  contacts: z.number().int().min(0).max(1_000_000).optional(),
  events: z.number().int().min(0).max(1_000_000).optional(),
  tasks: z.number().int().min(0).max(1_000_000).optional(),
  messages: z.number().int().min(0).max(1_000_000).optional(),
  mailboxes: z.number().int().min(1).max(10_000).optional(),
  seed: z.number().int().optional(),
});
