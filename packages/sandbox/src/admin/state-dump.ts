// A compact view of one mailbox, for tests and demos to assert on: folders by path, with their
// items' ids, change keys and data.
import type { AnyItem, Folder, Mailbox } from '../model.ts';
import type { SandboxStore } from '../store-api.ts';

export interface MailboxStateDump {
  mailbox: { id: string; address: string; displayName: string; tenantId: string };
  head: number;
  folders: Array<{
    id: string;
    path: string;
    distinguishedId?: string;
    folderClass: string;
    items: Array<{
      id: string;
      changeKey: string;
      kind: AnyItem['kind'];
      title: string;
      lastModifiedDateTime: string;
      data: AnyItem['data'];
    }>;
  }>;
}

export function mailboxState(store: SandboxStore, mailbox: Mailbox): MailboxStateDump {
  const folders = store.folders(mailbox.id);
  const byId = new Map(folders.map((f) => [f.id, f]));
  const pathOf = (folder: Folder): string => {
    const names: string[] = [];
    for (let f: Folder | undefined = folder; f?.parentId; f = f.parentId ? byId.get(f.parentId) : undefined) {
      if (f.distinguishedId === 'msgfolderroot') break;
      names.unshift(f.displayName);
    }
    return names.join('/') || folder.displayName;
  };
  return {
    mailbox: {
      id: mailbox.id,
      address: mailbox.address,
      displayName: mailbox.displayName,
      tenantId: mailbox.tenantId,
    },
    head: store.headPosition(mailbox.id, null).seq,
    folders: folders
      .filter((f) => f.distinguishedId !== 'root')
      .map((f) => ({
        id: f.id,
        path: pathOf(f),
        ...(f.distinguishedId ? { distinguishedId: f.distinguishedId } : {}),
        folderClass: f.folderClass,
        items: store.items(mailbox.id, f.id).map((item) => ({
          id: item.id,
          changeKey: item.changeKey,
          kind: item.kind,
          title: titleOf(item),
          lastModifiedDateTime: item.lastModifiedDateTime,
          data: item.data,
        })),
      })),
  };
}

function titleOf(item: AnyItem): string {
  switch (item.kind) {
    case 'contact':
      return item.data.displayName ?? [item.data.givenName, item.data.surname].filter(Boolean).join(' ');
    default:
      return item.data.subject;
  }
}
