// A look into a mailbox through its connector: the folder tree and a folder's first items.
import type { FolderKind } from '../connectors/index.ts';
import type { Principal } from '../crm/principal.ts';
import { withConnector } from './connect.ts';
import type { MailboxContext } from './context.ts';
import { connectedMailbox } from './mailbox-access.ts';

export async function mailboxFolders(
  ctx: MailboxContext,
  principal: Principal,
  id: string,
  kind: FolderKind,
) {
  const { row, service } = await connectedMailbox(ctx, principal, id);
  return withConnector(ctx, service, row, (c) => c.listFolders(kind));
}

/** The first `limit` items of a folder, and whether there are more. */
export async function mailboxItems(
  ctx: MailboxContext,
  principal: Principal,
  id: string,
  query: { kind: FolderKind; folderId: string; limit: number },
) {
  const { row, service } = await connectedMailbox(ctx, principal, id);
  return withConnector(ctx, service, row, async (c) => {
    const pages = c.readChanges({ kind: query.kind, id: query.folderId }, undefined, {
      pageSize: query.limit,
    });
    for await (const page of pages) {
      return {
        folderId: query.folderId,
        kind: query.kind,
        items: page.upserts.slice(0, query.limit).map((u) => ({
          id: u.id,
          version: u.version,
          item: u.item as unknown as Record<string, unknown>,
        })),
        more: !page.done || page.upserts.length > query.limit,
      };
    }
    return { folderId: query.folderId, kind: query.kind, items: [], more: false };
  });
}
