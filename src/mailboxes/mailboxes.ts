// Users' mailboxes (SPEC A3, A4, A6): found from the address, tested before they are enabled,
// password updates, OAuth consent, disconnect (which keeps every synced record), and a look into
// the mailbox (folder tree, first items) through its connector.
//
// This is the façade the API and the sync engine call; each responsibility lives in its own
// module of plain functions that take their dependencies explicitly:
//   service-detection.ts  which service serves an address (domain, Autodiscover)
//   mailbox-add.ts        adding a mailbox (password tested first, or Microsoft sign-in)
//   mailbox-credentials.ts  test connection, new password, Microsoft sign-in and its callback
//   mailbox-browse.ts     folders and items through the connector
//   mailbox-access.ts     who may act on a mailbox and in which state
//   mailbox-rows.ts       every state change of the `mailboxes` table
//   mailbox-view.ts       the API view of a row
import type { FolderKind } from '../connectors/index.ts';
import type { Principal } from '../crm/principal.ts';
import { loadMailboxRow, type MailboxContext } from './context.ts';
import { visibleMailbox } from './mailbox-access.ts';
import { addMailbox } from './mailbox-add.ts';
import { mailboxFolders, mailboxItems } from './mailbox-browse.ts';
import {
  finishMailboxSignIn,
  startMailboxSignIn,
  testMailbox,
  updateMailboxPassword,
} from './mailbox-credentials.ts';
import { listMailboxRows, markDisconnected, syncableMailboxes } from './mailbox-rows.ts';
import { viewMailbox, viewMailboxes } from './mailbox-view.ts';
import { detectSchema } from './schemas.ts';
import { describeDetection, detectService } from './service-detection.ts';
import type { MailServices } from './services.ts';
import { parseOrThrow } from './validate.ts';

export type { AddResult } from './mailbox-add.ts';
export type { SignInFinished, TestAnswer } from './mailbox-credentials.ts';

export interface MailboxOptions {
  /** Per-request timeout of Autodiscover at autodiscover.<domain> and <domain> (default 5 s). */
  autodiscoverTimeoutMs?: number;
}

export function createMailboxes(ctx: MailboxContext, services: MailServices, options: MailboxOptions = {}) {
  const autodiscoverTimeoutMs = options.autodiscoverTimeoutMs ?? 5_000;
  return {
    async detect(_principal: Principal, input: unknown) {
      const { address } = parseOrThrow(detectSchema, input);
      const normalised = address.trim().toLowerCase();
      const { service, foundBy } = await detectService(ctx, normalised, autodiscoverTimeoutMs);
      return describeDetection(normalised, service, foundBy);
    },

    add: (principal: Principal, input: unknown) =>
      addMailbox({ ctx, services, autodiscoverTimeoutMs }, principal, input),

    async list(principal: Principal) {
      return viewMailboxes(ctx, await listMailboxRows(ctx, principal));
    },

    async get(principal: Principal, id: string) {
      return viewMailbox(ctx, await visibleMailbox(ctx, principal, id));
    },

    test: (principal: Principal, id: string) => testMailbox(ctx, principal, id),

    updatePassword: (principal: Principal, id: string, input: unknown) =>
      updateMailboxPassword(ctx, principal, id, input),

    /** Disconnects the mailbox; every record it synced stays in the CRM. */
    async disconnect(principal: Principal, id: string) {
      const row = await visibleMailbox(ctx, principal, id);
      if (row.status !== 'disconnected') {
        await markDisconnected(ctx, row);
        ctx.log?.info({ mailboxId: id }, 'mailbox disconnected; synced data kept');
      }
      return viewMailbox(ctx, await loadMailboxRow(ctx, id));
    },

    signIn: (principal: Principal, id: string, returnTo?: string) =>
      startMailboxSignIn(ctx, principal, id, returnTo),

    /** The OAuth callback: redeems the code, tests, enables. `userId` is the signed-in caller, if any. */
    finishSignIn: (
      input: { state: string; code?: string; error?: string; errorDescription?: string },
      userId: string | null,
    ) => finishMailboxSignIn(ctx, services, input, userId),

    folders: (principal: Principal, id: string, kind: FolderKind) => mailboxFolders(ctx, principal, id, kind),

    items: (principal: Principal, id: string, query: { kind: FolderKind; folderId: string; limit: number }) =>
      mailboxItems(ctx, principal, id, query),

    /** Mailboxes the sync engine should run now: connected, owner active, selected, not throttled. */
    syncable: () => syncableMailboxes(ctx),
  };
}

export type Mailboxes = ReturnType<typeof createMailboxes>;
