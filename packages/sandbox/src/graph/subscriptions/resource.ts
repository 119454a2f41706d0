// Which store folders a subscription's `resource` path covers, e.g.
//   me/mailFolders('Inbox')/messages   users/{id}/events   me/contactFolders/{id}/contacts
//   me/messages (every mail folder)    me/todo/lists/{id}/tasks
import type { SandboxContext, TokenClaims } from '../../context.ts';
import type { Folder, ItemKind, Mailbox } from '../../model.ts';
import { PERMISSIONS, resolveMailbox } from '../auth.ts';
import { badRequest } from '../errors.ts';
import { pathSegments } from '../path.ts';

export interface ResolvedResource {
  mailbox: Mailbox;
  kind: ItemKind;
  /** Folder ids the subscription watches; undefined = every folder of the kind's class. */
  folderIds?: string[];
  permissions: readonly string[];
  /** The entity-set name Graph uses in notification resource paths. */
  setName: 'Messages' | 'Events' | 'Contacts' | 'tasks';
  maxMinutes: number;
}

/** Outlook resources allow 10,080 minutes (under 7 days); To Do tasks 4,230 (under 3 days). */
export const MAX_MINUTES = { outlook: 10_080, todo: 4_230 } as const;

function unsupported(resource: string): Error {
  return badRequest(
    `The resource '${resource}' is not supported for subscriptions in this sandbox. Use me/messages, ` +
      "me/mailFolders('{id}')/messages, me/events, me/calendars/{id}/events, me/contacts, " +
      'me/contactFolders/{id}/contacts or me/todo/lists/{id}/tasks (or users/{id}/…).',
    'InvalidRequest',
  );
}

function folderOf(
  ctx: SandboxContext,
  mailbox: Mailbox,
  id: string,
  folderClass: Folder['folderClass'],
): Folder {
  const folder =
    ctx.store.folder(mailbox.id, id) ?? ctx.store.distinguishedFolder(mailbox.id, id.toLowerCase());
  if (!folder || folder.folderClass !== folderClass) {
    throw badRequest(`The folder '${id}' in the subscription resource does not exist.`, 'InvalidRequest');
  }
  return folder;
}

const SHAPES = [
  'messages',
  'mailfolders/*/messages',
  'events',
  'calendar/events',
  'calendars/*/events',
  'contacts',
  'contactfolders/*/contacts',
  'todo/lists/*/tasks',
];

/** The path's shape with ids replaced by `*`, if it is one subscriptions support. */
function shapeOf(rest: string[]): string | undefined {
  const lower = rest.map((s) => s.toLowerCase());
  return SHAPES.find((shape) => {
    const parts = shape.split('/');
    return parts.length === lower.length && parts.every((p, i) => p === '*' || p === lower[i]);
  });
}

export function resolveResource(
  ctx: SandboxContext,
  claims: TokenClaims,
  resource: string,
): ResolvedResource {
  const path = resource.split('?')[0];
  const segments = pathSegments(path.replace(/^https?:\/\/[^/]+\/v1\.0/i, ''));
  let principal: string;
  let rest: string[];
  if (segments[0]?.toLowerCase() === 'me') {
    principal = 'me';
    rest = segments.slice(1);
  } else if (segments[0]?.toLowerCase() === 'users' && segments.length > 2) {
    principal = segments[1];
    rest = segments.slice(2);
  } else throw unsupported(resource);
  const mailbox = resolveMailbox(ctx, claims, principal);
  const key = shapeOf(rest);
  const outlook = MAX_MINUTES.outlook;
  switch (key) {
    case 'messages':
      return {
        mailbox,
        kind: 'message',
        permissions: PERMISSIONS.mailRead,
        setName: 'Messages',
        maxMinutes: outlook,
      };
    case 'mailfolders/*/messages':
      return {
        mailbox,
        kind: 'message',
        folderIds: [folderOf(ctx, mailbox, rest[1], 'IPF.Note').id],
        permissions: PERMISSIONS.mailRead,
        setName: 'Messages',
        maxMinutes: outlook,
      };
    case 'events':
    case 'calendar/events':
      return {
        mailbox,
        kind: 'event',
        folderIds: [folderOf(ctx, mailbox, 'calendar', 'IPF.Appointment').id],
        permissions: PERMISSIONS.calendarsRead,
        setName: 'Events',
        maxMinutes: outlook,
      };
    case 'calendars/*/events':
      return {
        mailbox,
        kind: 'event',
        folderIds: [folderOf(ctx, mailbox, rest[1], 'IPF.Appointment').id],
        permissions: PERMISSIONS.calendarsRead,
        setName: 'Events',
        maxMinutes: outlook,
      };
    case 'contacts':
      return {
        mailbox,
        kind: 'contact',
        folderIds: [folderOf(ctx, mailbox, 'contacts', 'IPF.Contact').id],
        permissions: PERMISSIONS.contactsRead,
        setName: 'Contacts',
        maxMinutes: outlook,
      };
    case 'contactfolders/*/contacts':
      return {
        mailbox,
        kind: 'contact',
        folderIds: [folderOf(ctx, mailbox, rest[1], 'IPF.Contact').id],
        permissions: PERMISSIONS.contactsRead,
        setName: 'Contacts',
        maxMinutes: outlook,
      };
    case 'todo/lists/*/tasks':
      return {
        mailbox,
        kind: 'task',
        folderIds: [folderOf(ctx, mailbox, rest[2], 'IPF.Task').id],
        permissions: PERMISSIONS.tasksRead,
        setName: 'tasks',
        maxMinutes: MAX_MINUTES.todo,
      };
    default:
      throw unsupported(resource);
  }
}
