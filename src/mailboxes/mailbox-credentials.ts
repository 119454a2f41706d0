// A stored mailbox's credentials: "test connection", a new password, and the Microsoft sign-in
// (SPEC A4, A6). Every path tests before it enables; a failed test never stores a secret.
import type { Principal } from '../crm/principal.ts';
import type { MailboxesTable } from '../db/schema.ts';
import { credentialsOf, testWith } from './connect.ts';
import type { TestOutcome } from './connection-test.ts';
import { loadMailboxRow, loadService, type MailboxContext } from './context.ts';
import { MailboxError } from './errors.ts';
import { connectedMailbox, serviceOfMailbox } from './mailbox-access.ts';
import { recordTestOutcome, storePassword } from './mailbox-rows.ts';
import { viewMailbox } from './mailbox-view.ts';
import { redeemSignIn, startSignIn } from './oauth.ts';
import { deriveLogin, usesOAuth } from './rules.ts';
import { type Mailbox, passwordUpdateSchema } from './schemas.ts';
import type { MailServices } from './services.ts';
import { parseOrThrow } from './validate.ts';

export interface TestAnswer {
  ok: boolean;
  problem?: string;
  message: string;
  mailbox: Mailbox;
}

export interface SignInFinished {
  mailbox: Mailbox;
  ok: boolean;
  message: string;
  returnTo: string | null;
}

async function recordTest(ctx: MailboxContext, row: MailboxesTable, outcome: TestOutcome): Promise<void> {
  await recordTestOutcome(ctx, row, outcome);
  if (!outcome.ok)
    ctx.log?.info({ mailboxId: row.id, problem: outcome.problem }, 'mailbox connection test failed');
}

export async function testMailbox(
  ctx: MailboxContext,
  principal: Principal,
  id: string,
): Promise<TestAnswer> {
  const { row, service } = await connectedMailbox(ctx, principal, id);
  if (row.status === 'pending') {
    throw new MailboxError(
      'conflict',
      `The mailbox ${row.address} waits for its Microsoft sign-in. Finish it first.`,
    );
  }
  const outcome = await testWith(ctx, service, credentialsOf(ctx, row));
  await recordTest(ctx, row, outcome);
  return {
    ok: outcome.ok,
    ...(outcome.problem ? { problem: outcome.problem } : {}),
    message: outcome.message,
    mailbox: await viewMailbox(ctx, await loadMailboxRow(ctx, id)),
  };
}

export async function updateMailboxPassword(
  ctx: MailboxContext,
  principal: Principal,
  id: string,
  input: unknown,
): Promise<Mailbox> {
  const data = parseOrThrow(passwordUpdateSchema, input);
  const { row, service } = await connectedMailbox(ctx, principal, id);
  if (row.access_mode === 'organisation' || usesOAuth(service.auth_method)) {
    throw new MailboxError(
      'conflict',
      row.access_mode === 'organisation'
        ? 'This mailbox is synced through the organisation identity; an administrator updates that password.'
        : 'This mailbox signs in with Microsoft (OAuth), not a password. Use sign-in instead.',
    );
  }
  // Only a service whose login is typed by hand lets the password change carry a new login.
  let login = row.login;
  if (data.login !== undefined) {
    const derived = deriveLogin(service.login_format, row.address, data.login);
    if (derived.ok) login = service.login_format === 'manual' ? derived.login : login;
  }
  const outcome = await testWith(ctx, service, {
    address: row.address,
    login,
    password: data.password,
    mode: 'individual',
  });
  if (!outcome.ok) {
    throw new MailboxError(
      'connection_failed',
      `Test connection with the new password failed: ${outcome.message}`,
      {
        details: [{ path: 'connection', message: outcome.problem ?? 'other' }],
      },
    );
  }
  await storePassword(ctx, id, login, data.password);
  ctx.log?.info({ mailboxId: id }, 'mailbox password updated');
  return viewMailbox(ctx, await loadMailboxRow(ctx, id));
}

export async function startMailboxSignIn(
  ctx: MailboxContext,
  principal: Principal,
  id: string,
  returnTo?: string,
): Promise<{ authorizationUrl: string; mailbox: Mailbox }> {
  const { row, service } = await connectedMailbox(ctx, principal, id);
  if (!usesOAuth(service.auth_method) || row.access_mode === 'organisation') {
    throw new MailboxError(
      'conflict',
      'This mailbox does not sign in with Microsoft; update its password instead.',
    );
  }
  if (row.user_id !== principal.userId) {
    throw new MailboxError('forbidden', 'Only the owner of a mailbox can sign in to it with Microsoft.');
  }
  return {
    authorizationUrl: await startSignIn(ctx, service, row, returnTo),
    mailbox: await viewMailbox(ctx, row),
  };
}

/** The OAuth callback: redeems the code, tests, enables. `userId` is the signed-in caller, if any. */
export async function finishMailboxSignIn(
  ctx: MailboxContext,
  services: MailServices,
  input: { state: string; code?: string; error?: string; errorDescription?: string },
  userId: string | null,
): Promise<SignInFinished> {
  const redeemed = await redeemSignIn(ctx, input, (sid) => loadService(ctx, sid));
  if (userId !== null && userId !== redeemed.userId) {
    throw new MailboxError(
      'sign_in_failed',
      'This sign-in was started by another Exsync user. Start it again while signed in as yourself.',
    );
  }
  const row = await loadMailboxRow(ctx, redeemed.mailboxId);
  const service = await serviceOfMailbox(ctx, row);
  const outcome = await testWith(ctx, service, credentialsOf(ctx, row));
  if (outcome.ok && !(await services.lockMode(service.id, 'individual'))) {
    throw new MailboxError(
      'mode_locked',
      `The mail service "${service.name}" was switched to organisation mode meanwhile.`,
    );
  }
  await recordTest(ctx, row, outcome);
  return {
    mailbox: await viewMailbox(ctx, await loadMailboxRow(ctx, row.id)),
    ok: outcome.ok,
    message: outcome.message,
    returnTo: redeemed.returnTo,
  };
}
