// Where each kind of item lives in Graph. The default contact folder has no id of its own in the
// contactFolders collection, so Exsync names it `contacts` and reaches it through /contacts.
import type { FolderKind, FolderRef } from '../types.ts';

export const DEFAULT_CONTACTS = 'contacts';

const e = encodeURIComponent;

export function collectionPath(base: string, folder: FolderRef): string {
  switch (folder.kind) {
    case 'contacts':
      return folder.id === DEFAULT_CONTACTS
        ? `${base}/contacts`
        : `${base}/contactFolders/${e(folder.id)}/contacts`;
    case 'calendar':
      return `${base}/calendars/${e(folder.id)}/events`;
    case 'tasks':
      return `${base}/todo/lists/${e(folder.id)}/tasks`;
    case 'mail':
      return `${base}/mailFolders/${e(folder.id)}/messages`;
  }
}

export function itemPath(base: string, folder: FolderRef, id: string): string {
  switch (folder.kind) {
    case 'contacts':
      return `${base}/contacts/${e(id)}`;
    case 'calendar':
      return `${base}/events/${e(id)}`;
    case 'tasks':
      return `${base}/todo/lists/${e(folder.id)}/tasks/${e(id)}`;
    case 'mail':
      return `${base}/messages/${e(id)}`;
  }
}

/** The resource a change-notification subscription watches (no leading slash, as Graph wants). */
export function subscriptionResource(base: string, folder: FolderRef): string {
  return collectionPath(base, folder).replace(/^\//, '');
}

export const KINDS: readonly FolderKind[] = ['contacts', 'calendar', 'tasks', 'mail'];
