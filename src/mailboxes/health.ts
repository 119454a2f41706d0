// A mailbox's health (SPEC A4, E7): what the last call to its Exchange said. A refused grant or
// password marks that mailbox alone "needs sign-in"; throttling sets when to come back; other
// failures mark it failing since the first of them. The sync engine reports every run here.
import { type ConnectorError, isConnectorError } from '../connectors/index.ts';
import type { MailboxesTable } from '../db/schema.ts';
import type { TestProblem } from './connection-test.ts';
import { type MailboxContext, nowIso } from './context.ts';

/**
 * `run`: the outcome of a whole sync run. A run that failed for a passing reason (a timeout, a
 * dropped connection) still leaves the mailbox "failing" until a run succeeds: its health is
 * derived from its runs. A single call's passing trouble says nothing about the mailbox.
 */
export type ConnectorOutcome = { ok: true } | { ok: false; error: unknown; run?: boolean };

type Patch = Partial<MailboxesTable>;

function failurePatch(
  row: MailboxesTable,
  now: string,
  code: string,
  message: string,
  needsSignIn: boolean,
): Patch {
  return {
    status: needsSignIn ? 'needs_sign_in' : 'failing',
    failing_since: row.failing_since ?? now,
    last_error_code: code,
    last_error_message: message,
  };
}

/**
 * A mailbox that just worked: active, with no error and no throttling. A successful connection
 * test or a new password or sign-in clears a server's back-off too, so the user can end a wait
 * that was imposed by mistake.
 */
export function healthyPatch(): Patch {
  return {
    status: 'active',
    failing_since: null,
    last_error_code: null,
    last_error_message: null,
    throttled_until: null,
  };
}

/** Records what a connector call for this mailbox ended with. Disconnected mailboxes stay so. */
export async function recordConnectorOutcome(
  ctx: MailboxContext,
  mailboxId: string,
  outcome: ConnectorOutcome,
): Promise<void> {
  const row = await ctx.db.selectFrom('mailboxes').selectAll().where('id', '=', mailboxId).executeTakeFirst();
  if (!row || row.status === 'disconnected' || row.status === 'pending') return;
  const now = nowIso(ctx);
  let patch: Patch;
  if (outcome.ok) {
    patch = healthyPatch();
  } else if (isConnectorError(outcome.error)) {
    const error: ConnectorError = outcome.error;
    if (error.code === 'throttled') {
      const until = new Date(ctx.now().getTime() + (error.retryAfterMs ?? 60_000)).toISOString();
      patch = { throttled_until: until, last_error_code: 'throttled', last_error_message: error.message };
    } else if (
      !outcome.run &&
      (error.code === 'transient' ||
        error.code === 'not_found' ||
        error.code === 'conflict' ||
        error.code === 'resync_needed')
    ) {
      // Passing or item-level trouble says nothing about the mailbox as a whole.
      return;
    } else {
      patch = failurePatch(row, now, error.code, error.message, error.code === 'needs_sign_in');
    }
  } else {
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    const code = (outcome.error as { code?: unknown } | null)?.code;
    patch = failurePatch(row, now, typeof code === 'string' ? code : 'internal_error', message, false);
  }
  await ctx.db
    .updateTable('mailboxes')
    .set({ ...patch, updated_at: now })
    .where('id', '=', mailboxId)
    .where('status', 'not in', ['disconnected', 'pending'])
    .execute();
  if (patch.status === 'needs_sign_in') ctx.log?.warn({ mailboxId }, 'mailbox needs sign-in');
}

/** The status a failed "test connection" leaves a stored mailbox in. */
export function statusAfterTest(problem: TestProblem | undefined): 'active' | 'needs_sign_in' | 'failing' {
  if (!problem) return 'active';
  return problem === 'unauthorized' ? 'needs_sign_in' : 'failing';
}
