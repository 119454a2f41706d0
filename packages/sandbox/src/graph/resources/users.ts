// /me, /users/{id} and /users (the tenant's mailboxes, for picking users in organisation mode).
import { PERMISSIONS } from '../auth.ts';
import { GraphError } from '../errors.ts';
import { userToGraph } from '../mappers/folders.ts';
import { entityResponse, listResponse } from '../paging.ts';
import type { Route } from '../types.ts';
import { workingHoursOf } from './schedule.ts';

export const userRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '',
    scope: 'mailbox',
    name: 'users.get',
    permissions: PERMISSIONS.userRead,
    handle: (c) => {
      // Reading another user needs more than User.Read, which covers only the signed-in user.
      if (c.claims.mailboxId !== c.mailbox.id && c.claims.mailboxId !== undefined) {
        const scopes = new Set(c.claims.scopes.map((s) => s.toLowerCase()));
        if (!PERMISSIONS.usersRead.some((p) => scopes.has(p.toLowerCase()))) {
          throw new GraphError(
            403,
            'Authorization_RequestDenied',
            'Insufficient privileges to complete the operation: reading other users needs User.ReadBasic.All or User.Read.All.',
          );
        }
      }
      return entityResponse(c, userToGraph(c.mailbox), 'users/$entity');
    },
  },
  {
    // Read by many clients at start-up (time zone, language). Automatic replies are off; the
    // sandbox does not send them.
    method: 'GET',
    pattern: 'mailboxSettings',
    scope: 'mailbox',
    name: 'mailboxSettings.get',
    permissions: PERMISSIONS.mailboxSettingsRead,
    handle: (c) =>
      entityResponse(
        c,
        {
          archiveFolder: c.ctx.store.distinguishedFolder(c.mailbox.id, 'archive')?.id ?? null,
          timeZone: c.mailbox.timeZone,
          automaticRepliesSetting: {
            status: 'disabled',
            externalAudience: 'all',
            internalReplyMessage: '',
            externalReplyMessage: '',
            scheduledStartDateTime: { dateTime: '2020-01-01T00:00:00.0000000', timeZone: 'UTC' },
            scheduledEndDateTime: { dateTime: '2020-01-02T00:00:00.0000000', timeZone: 'UTC' },
          },
          language: { locale: 'en-US', displayName: 'English (United States)' },
          dateFormat: 'M/d/yyyy',
          timeFormat: 'h:mm tt',
          workingHours: workingHoursOf(c.mailbox),
          userPurpose: 'user',
          delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
        },
        `users('${c.mailbox.id}')/mailboxSettings`,
      ),
  },
  {
    method: 'GET',
    pattern: 'users',
    scope: 'tenant',
    name: 'users.list',
    permissions: PERMISSIONS.usersRead,
    handle: (c) => listResponse(c, c.ctx.store.mailboxes(c.claims.tenantId).map(userToGraph), 'users'),
  },
];
