// OAuth consent for one mailbox (SPEC A4): authorization code with PKCE and a single-use,
// short-lived `state`. Only the state's hash is stored, and the PKCE verifier only encrypted.
import { createHash, randomBytes } from 'node:crypto';
import { createPkce } from '../connectors/index.ts';
import type { MailboxesTable, MailServicesTable } from '../db/schema.ts';
import { secretContext } from './connector-factory.ts';
import { type MailboxContext, nowIso } from './context.ts';
import { MailboxError } from './errors.ts';
import { mailboxTokenCache } from './token-cache.ts';

export const SIGN_IN_TTL_MS = 10 * 60 * 1000;

const hashState = (state: string) => createHash('sha256').update(state).digest('base64url');

/** A path inside Exsync, never another site: the callback redirects there. */
export function safeReturnPath(value: string | null | undefined): string | null {
  if (!value) return null;
  return /^\/(?![/\\])[^\s]*$/.test(value) ? value : null;
}

export async function startSignIn(
  ctx: MailboxContext,
  service: MailServicesTable,
  mailbox: MailboxesTable,
  returnTo?: string,
): Promise<string> {
  const state = randomBytes(32).toString('base64url');
  const stateHash = hashState(state);
  const pkce = await createPkce();
  const { flow, http } = ctx.factory.signIn(service);
  try {
    const url = await flow.authorizationUrl({ state, pkce, loginHint: mailbox.login ?? mailbox.address });
    const now = ctx.now();
    // Expired attempts of anyone are cleared on the way; they can no longer be used anyway.
    await ctx.db.deleteFrom('oauth_sign_ins').where('expires_at', '<', now.toISOString()).execute();
    await ctx.db
      .insertInto('oauth_sign_ins')
      .values({
        state_hash: stateHash,
        mailbox_id: mailbox.id,
        user_id: mailbox.user_id,
        verifier_enc: ctx.secrets.seal(pkce.verifier, secretContext.verifier(stateHash)),
        return_to: safeReturnPath(returnTo),
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + SIGN_IN_TTL_MS).toISOString(),
      })
      .execute();
    return url;
  } finally {
    http.close();
  }
}

export interface RedeemedSignIn {
  mailboxId: string;
  userId: string;
  returnTo: string | null;
}

const failed = (message: string) => new MailboxError('sign_in_failed', message);

/**
 * Takes the state (once), redeems the code with its PKCE verifier and stores the encrypted token
 * cache in the mailbox. The caller tests the connection and activates the mailbox.
 */
export async function redeemSignIn(
  ctx: MailboxContext,
  input: { state: string; code?: string; error?: string; errorDescription?: string },
  loadService: (id: string) => Promise<MailServicesTable>,
): Promise<RedeemedSignIn> {
  const stateHash = hashState(input.state);
  const row = await ctx.db
    .selectFrom('oauth_sign_ins')
    .selectAll()
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
  if (!row) {
    throw failed('This sign-in link is unknown or was already used. Start the sign-in again from Exsync.');
  }
  const taken = await ctx.db
    .deleteFrom('oauth_sign_ins')
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
  if (Number(taken.numDeletedRows) !== 1) {
    throw failed('This sign-in link was already used. Start the sign-in again from Exsync.');
  }
  if (row.expires_at < nowIso(ctx)) {
    throw failed(
      'This sign-in took longer than 10 minutes and expired. Start the sign-in again from Exsync.',
    );
  }
  const result = { mailboxId: row.mailbox_id, userId: row.user_id, returnTo: row.return_to };
  const mailbox = await ctx.db
    .selectFrom('mailboxes')
    .selectAll()
    .where('id', '=', row.mailbox_id)
    .executeTakeFirst();
  if (!mailbox || mailbox.status === 'disconnected' || !mailbox.service_id) {
    throw failed('The mailbox of this sign-in was disconnected meanwhile. Add it again.');
  }
  if (input.error) {
    const reason = input.errorDescription
      ? `${input.error}: ${input.errorDescription.split(/\r?\n/)[0]}`
      : input.error;
    throw failed(
      `Microsoft did not grant access (${reason}). Try again, or ask an administrator to grant consent for the app.`,
    );
  }
  if (!input.code)
    throw failed('The answer from Microsoft carried no authorization code. Start the sign-in again.');
  const service = await loadService(mailbox.service_id);
  const verifier = ctx.secrets.open(row.verifier_enc, secretContext.verifier(stateHash));
  const { flow, http } = ctx.factory.signIn(service);
  try {
    // Redeemed into a scratch cache first: a sign-in as the wrong account must not replace the
    // mailbox's tokens.
    let serialized: string | undefined;
    const scratch = {
      load: async () => serialized,
      save: async (value: string) => {
        serialized = value;
      },
    };
    let username: string;
    try {
      ({ username } = await flow.redeemCode(input.code, verifier, scratch));
    } catch (error) {
      throw failed(
        `Redeeming the sign-in failed: ${error instanceof Error ? error.message : String(error)} Start the sign-in again.`,
      );
    }
    if (
      username &&
      username.toLowerCase() !== mailbox.address.toLowerCase() &&
      username.toLowerCase() !== mailbox.login?.toLowerCase()
    ) {
      throw failed(
        `You signed in as ${username}, but this mailbox is ${mailbox.address}. Sign in with the mailbox's own account.`,
      );
    }
    if (serialized === undefined) throw failed('Microsoft returned no tokens. Start the sign-in again.');
    await mailboxTokenCache(ctx, mailbox.id).save(serialized);
    return result;
  } finally {
    http.close();
  }
}
