// Adding a mailbox (SPEC A3, A6): the address finds its service; a Microsoft 365 mailbox is
// stored pending and its owner sent to sign in, any other is tested with its password first and
// stored only if the test passes. The first mailbox locks its service to individual mode.
import { newId } from '../crm/ids.ts';
import type { Principal } from '../crm/principal.ts';
import type { MailboxesTable, MailServicesTable } from '../db/schema.ts';
import { testWith } from './connect.ts';
import { secretContext } from './connector-factory.ts';
import { type MailboxContext, nowIso } from './context.ts';
import { MailboxError } from './errors.ts';
import { findLiveMailbox, insertMailbox, newMailboxRow } from './mailbox-rows.ts';
import { viewMailbox } from './mailbox-view.ts';
import { startSignIn } from './oauth.ts';
import { deriveLogin } from './rules.ts';
import { type Mailbox, mailboxCreateSchema } from './schemas.ts';
import { detectService, needsOf } from './service-detection.ts';
import type { MailServices } from './services.ts';
import { parseOrThrow } from './validate.ts';

export interface AddResult {
  mailbox: Mailbox;
  status: Mailbox['status'];
  message: string;
  authorizationUrl?: string;
}

export interface AddDependencies {
  ctx: MailboxContext;
  services: MailServices;
  autodiscoverTimeoutMs: number;
}

export async function addMailbox(
  deps: AddDependencies,
  principal: Principal,
  input: unknown,
): Promise<AddResult> {
  const { ctx } = deps;
  const data = parseOrThrow(mailboxCreateSchema, input);
  const ownerId = await ownerOf(ctx, principal, data.ownerId);
  const address = data.address.trim().toLowerCase();
  const { service } = await detectService(ctx, address, deps.autodiscoverTimeoutMs);
  const needs = needsOf(service);
  if (needs === 'administrator') {
    throw new MailboxError(
      'mode_locked',
      `The mail service "${service.name}" syncs mailboxes in organisation mode: an administrator chooses whose mailboxes are synced (mail service users). No personal credentials are needed.`,
    );
  }
  const existing = await findLiveMailbox(ctx, service.id, address);
  // An owner may start the Microsoft sign-in again for a mailbox that has not finished it.
  if (existing && !(existing.user_id === ownerId && needs === 'oauth' && existing.status !== 'active')) {
    throw new MailboxError(
      'conflict',
      existing.user_id === ownerId
        ? `You have already connected ${address} (mailbox ${existing.id}). Test it or update its password instead.`
        : `${address} is already connected by another user. Ask an administrator if it should move to you.`,
    );
  }
  const login = deriveLogin(service.login_format, address, data.login);
  if (!login.ok) {
    throw new MailboxError('validation_failed', `Invalid input: login: ${login.message}.`, {
      details: [{ path: 'login', message: login.message }],
    });
  }
  const fields = { user_id: ownerId, service_id: service.id, address, login: login.login };
  if (needs === 'oauth' && ownerId !== principal.userId) {
    throw new MailboxError(
      'validation_failed',
      `Invalid input: ownerId: "${service.name}" mailboxes need their user to sign in to Microsoft; ask the user to add the mailbox themselves.`,
      {
        details: [
          { path: 'ownerId', message: 'only the user can add a mailbox that needs a Microsoft sign-in' },
        ],
      },
    );
  }
  if (needs === 'oauth') return addSignInMailbox(ctx, service, existing, fields, data.returnTo);
  return addPasswordMailbox(deps, service, fields, data.password);
}

/**
 * Whose mailbox it is: the principal's own unless an administrator names another active user.
 * Anyone else naming another user is refused rather than silently given the mailbox.
 */
async function ownerOf(
  ctx: MailboxContext,
  principal: Principal,
  ownerId: string | undefined,
): Promise<string> {
  if (ownerId === undefined || ownerId === principal.userId) return principal.userId;
  if (!principal.isAdmin)
    throw new MailboxError(
      'forbidden',
      'Only administrators can add a mailbox for another user. Leave the user out to add your own mailbox.',
    );
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'active'])
    .where('id', '=', ownerId)
    .executeTakeFirst();
  if (!user?.active)
    throw new MailboxError(
      'validation_failed',
      'Invalid input: ownerId: no active user has this id. Pick a user from the list.',
      {
        details: [{ path: 'ownerId', message: 'no active user has this id' }],
      },
    );
  return user.id;
}

type NewMailboxFields = Pick<MailboxesTable, 'user_id' | 'service_id' | 'address' | 'login'>;

/** Stores the mailbox pending (or reuses the pending one) and starts the Microsoft sign-in. */
async function addSignInMailbox(
  ctx: MailboxContext,
  service: MailServicesTable,
  existing: MailboxesTable | undefined,
  fields: NewMailboxFields,
  returnTo: string | undefined,
): Promise<AddResult> {
  const row =
    existing ??
    newMailboxRow({ ...fields, id: newId(), access_mode: 'individual', status: 'pending' }, nowIso(ctx));
  if (!existing) await insertMailbox(ctx.db, row);
  const authorizationUrl = await startSignIn(ctx, service, row, returnTo);
  return {
    mailbox: await viewMailbox(ctx, row),
    status: row.status,
    message:
      'Open authorizationUrl to sign in to Microsoft and give consent; the mailbox is enabled once the connection test passes.',
    authorizationUrl,
  };
}

/** Tests the password and stores the mailbox active only if the test passed. */
async function addPasswordMailbox(
  { ctx, services }: AddDependencies,
  service: MailServicesTable,
  fields: NewMailboxFields,
  password: string | undefined,
): Promise<AddResult> {
  if (password === undefined) {
    throw new MailboxError(
      'validation_failed',
      'Invalid input: password: this mail service needs the mailbox password.',
      {
        details: [{ path: 'password', message: 'required for this mail service' }],
      },
    );
  }
  const now = nowIso(ctx);
  const outcome = await testWith(ctx, service, {
    address: fields.address,
    login: fields.login,
    password,
    mode: 'individual',
  });
  if (!outcome.ok) {
    throw new MailboxError('connection_failed', `Test connection failed: ${outcome.message}`, {
      problem: outcome.problem === 'throttled' ? 'other' : outcome.problem,
      details: [{ path: 'connection', message: outcome.problem ?? 'other' }],
    });
  }
  if (!(await services.lockMode(service.id, 'individual'))) {
    throw new MailboxError(
      'mode_locked',
      `The mail service "${service.name}" was switched to organisation mode meanwhile.`,
    );
  }
  const id = newId();
  const row: MailboxesTable = {
    ...newMailboxRow({ ...fields, id, access_mode: 'individual', status: 'active' }, now),
    secret_enc: ctx.secrets.seal(password, secretContext.password(id)),
    last_tested_at: now,
    connected_at: now,
  };
  try {
    await insertMailbox(ctx.db, row);
  } catch (error) {
    // Two requests added the same address at once: the unique index kept one.
    if (await findLiveMailbox(ctx, service.id, fields.address)) {
      throw new MailboxError(
        'conflict',
        `${fields.address} was connected meanwhile. Refresh the list of mailboxes.`,
      );
    }
    throw error;
  }
  ctx.log?.info({ mailboxId: id, serviceId: service.id }, 'mailbox connected');
  return { mailbox: await viewMailbox(ctx, row), status: 'active', message: outcome.message };
}
