// What the API accepts and returns for mail services and mailboxes. Secrets are write-only:
// answers say whether one is set (`hasClientSecret`), never what it is.
import { z } from 'zod';

const instant = z.string().meta({ description: 'ISO 8601 instant (UTC).' });
const pem = z
  .string()
  .max(64 * 1024)
  .refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), 'must be one or more PEM certificates');

export const serviceTypeSchema = z.enum(['exchange', 'microsoft365']);
export const authMethodSchema = z.enum(['basic', 'ntlm', 'oauth', 'oauth_delegated', 'app_only']);
export const loginFormatSchema = z.enum(['manual', 'email', 'mailbox']);
export const accessModeSchema = z.enum(['individual', 'organisation']);
export const mailboxStatusSchema = z.enum(['pending', 'active', 'needs_sign_in', 'disconnected', 'failing']);

export const mailServiceSchema = z
  .strictObject({
    id: z.string(),
    type: serviceTypeSchema,
    name: z.string(),
    serviceAddress: z
      .string()
      .meta({ description: 'Host or EWS URL (exchange); Graph base URL (microsoft365).' }),
    ewsUrl: z.string().nullable(),
    authorityUrl: z.string().nullable(),
    loadEmails: z.boolean(),
    sendEmails: z.boolean(),
    loginFormat: loginFormatSchema,
    authMethod: authMethodSchema,
    clientId: z.string().nullable(),
    hasClientSecret: z.boolean(),
    tenant: z.string().nullable(),
    domains: z.array(z.string()),
    accessMode: accessModeSchema.nullable().meta({
      description: 'Chosen with the first mailbox or the organisation connect, then locked.',
    }),
    serviceLogin: z.string().nullable(),
    hasServicePassword: z.boolean(),
    caCertificate: z.string().nullable(),
    allowPrivateAddresses: z.boolean(),
    redirectUri: z.string().meta({ description: 'The redirect URI to register in the app registration.' }),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'MailService' });

const serviceFields = {
  name: z.string().trim().min(1).max(200),
  serviceAddress: z.string().trim().min(1).max(2048),
  authorityUrl: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).max(2048),
  loadEmails: z.boolean(),
  sendEmails: z.boolean(),
  loginFormat: loginFormatSchema,
  authMethod: authMethodSchema,
  clientId: z.string().trim().min(1).max(200),
  clientSecret: z.string().min(1).max(4096),
  tenant: z.string().trim().min(1).max(200),
  domains: z.array(z.string().max(253)).max(200),
  caCertificate: pem,
  allowPrivateAddresses: z.boolean(),
};

export const mailServiceCreateSchema = z
  .strictObject({
    type: serviceTypeSchema,
    name: serviceFields.name.optional().meta({ description: 'Defaults to the service address.' }),
    serviceAddress: serviceFields.serviceAddress.optional().meta({
      description:
        'Required for exchange; microsoft365 defaults to the Graph v1.0 endpoint of Microsoft 365.',
    }),
    authorityUrl: serviceFields.authorityUrl.optional(),
    loadEmails: serviceFields.loadEmails.default(true),
    sendEmails: serviceFields.sendEmails.default(true),
    loginFormat: serviceFields.loginFormat.default('email'),
    authMethod: serviceFields.authMethod,
    clientId: serviceFields.clientId.optional(),
    clientSecret: serviceFields.clientSecret.optional(),
    tenant: serviceFields.tenant.optional(),
    domains: serviceFields.domains.default([]),
    caCertificate: serviceFields.caCertificate.optional(),
    allowPrivateAddresses: serviceFields.allowPrivateAddresses.default(false),
  })
  .meta({ id: 'MailServiceCreate' });

export const mailServiceUpdateSchema = z
  .strictObject({
    name: serviceFields.name.optional(),
    serviceAddress: serviceFields.serviceAddress.optional(),
    authorityUrl: serviceFields.authorityUrl.nullable().optional(),
    loadEmails: serviceFields.loadEmails.optional(),
    sendEmails: serviceFields.sendEmails.optional(),
    loginFormat: serviceFields.loginFormat.optional(),
    authMethod: serviceFields.authMethod.optional(),
    clientId: serviceFields.clientId.nullable().optional(),
    clientSecret: serviceFields.clientSecret.nullable().optional(),
    tenant: serviceFields.tenant.nullable().optional(),
    domains: serviceFields.domains.optional(),
    caCertificate: serviceFields.caCertificate.nullable().optional(),
    allowPrivateAddresses: serviceFields.allowPrivateAddresses.optional(),
  })
  .meta({ id: 'MailServiceUpdate' });

export type MailService = z.infer<typeof mailServiceSchema>;
export type MailServiceCreate = z.input<typeof mailServiceCreateSchema>;
export type MailServiceUpdate = z.input<typeof mailServiceUpdateSchema>;

export const organisationConnectSchema = z
  .strictObject({
    login: z.string().trim().min(1).max(320).optional().meta({
      description: 'Exchange: the service account holding the ApplicationImpersonation role.',
    }),
    password: z.string().min(1).max(1024).optional(),
    testAddress: z.string().trim().max(320).optional().meta({
      description: 'A mailbox to test impersonation on (default: the service account itself).',
    }),
  })
  .meta({ id: 'OrganisationConnect' });

export const organisationUsersUpdateSchema = z
  .strictObject({ userIds: z.array(z.string().min(1).max(64)).max(10_000) })
  .meta({ id: 'OrganisationUsersUpdate' });

export const organisationUserSchema = z.strictObject({
  userId: z.string(),
  email: z.string(),
  displayName: z.string(),
  active: z.boolean(),
  selected: z.boolean(),
  /** Selected and active: the sync engine takes this user's mailbox. */
  synced: z.boolean(),
  mailboxId: z.string().nullable(),
  mailboxStatus: mailboxStatusSchema.nullable(),
  lastError: z.string().nullable(),
});

export const organisationUsersSchema = z
  .strictObject({
    serviceId: z.string(),
    accessMode: accessModeSchema.nullable(),
    users: z.array(organisationUserSchema),
  })
  .meta({ id: 'OrganisationUsers' });

export const mailboxSchema = z
  .strictObject({
    id: z.string(),
    userId: z.string(),
    serviceId: z.string().nullable(),
    serviceName: z.string().nullable(),
    protocol: z.enum(['ews', 'graph']).nullable(),
    address: z.string(),
    login: z.string().nullable(),
    accessMode: accessModeSchema,
    status: mailboxStatusSchema,
    hasPassword: z.boolean(),
    signedIn: z.boolean().meta({ description: 'An OAuth token cache is stored.' }),
    throttledUntil: instant.nullable(),
    failingSince: instant.nullable(),
    lastError: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
    lastTestedAt: instant.nullable(),
    connectedAt: instant.nullable(),
    disconnectedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Mailbox' });
export type Mailbox = z.infer<typeof mailboxSchema>;

export const detectSchema = z.strictObject({ address: z.email('must be an email address').max(320) }).meta({
  id: 'MailboxDetect',
});

export const detectionSchema = z
  .strictObject({
    address: z.string(),
    serviceId: z.string(),
    serviceName: z.string(),
    type: serviceTypeSchema,
    foundBy: z.enum(['domain', 'autodiscover']),
    ewsUrl: z.string().nullable(),
    login: z.string().nullable().meta({ description: 'Derived from the login format; null for manual.' }),
    loginFormat: loginFormatSchema,
    needs: z.enum(['password', 'oauth', 'administrator']).meta({
      description: 'password: send one; oauth: follow authorizationUrl; administrator: organisation mode.',
    }),
  })
  .meta({ id: 'MailboxDetection' });
export type Detection = z.infer<typeof detectionSchema>;

export const mailboxCreateSchema = z
  .strictObject({
    address: z.email('must be an email address').max(320),
    login: z.string().trim().min(1).max(320).optional(),
    password: z.string().min(1).max(1024).optional(),
    returnTo: z
      .string()
      .max(2048)
      .optional()
      .meta({ description: 'Path in Exsync to return to after OAuth consent.' }),
    ownerId: z.string().min(1).max(64).optional().meta({
      description:
        'Administrators: the user the mailbox is for (default: you). Password services only; a Microsoft 365 mailbox is added by its user, who signs in.',
    }),
  })
  .meta({ id: 'MailboxCreate' });

export const mailboxAddedSchema = z
  .strictObject({
    mailbox: mailboxSchema,
    status: mailboxStatusSchema,
    message: z.string(),
    authorizationUrl: z
      .string()
      .optional()
      .meta({ description: 'OAuth services: open this to give consent.' }),
  })
  .meta({ id: 'MailboxAdded' });

export const passwordUpdateSchema = z
  .strictObject({
    password: z.string().min(1).max(1024),
    login: z.string().trim().min(1).max(320).optional(),
  })
  .meta({ id: 'MailboxPassword' });

export const testResultSchema = z
  .strictObject({
    ok: z.boolean(),
    problem: z
      .enum([
        'unresolvable',
        'refused',
        'private_address',
        'tls',
        'timeout',
        'unauthorized',
        'not_exchange',
        'permission_denied',
        'throttled',
        'other',
      ])
      .optional(),
    message: z.string(),
    mailbox: mailboxSchema,
  })
  .meta({ id: 'ConnectionTest' });

export const folderKindSchema = z.enum(['contacts', 'calendar', 'tasks', 'mail']);

export type FolderTree = {
  id: string;
  name: string;
  kind: string;
  wellKnown?: string;
  children: FolderTree[];
};
export const folderSchema: z.ZodType<FolderTree> = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    wellKnown: z.string().optional(),
    get children() {
      return z.array(folderSchema);
    },
  })
  .meta({ id: 'MailboxFolder' });

export const itemPreviewSchema = z
  .strictObject({
    folderId: z.string(),
    kind: folderKindSchema,
    items: z.array(
      z.strictObject({ id: z.string(), version: z.string(), item: z.record(z.string(), z.unknown()) }),
    ),
    more: z.boolean(),
  })
  .meta({ id: 'MailboxItems' });
