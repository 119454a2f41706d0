// POST /calendar/getSchedule: free/busy of mailboxes from all their calendars, recurrences
// expanded, as scheduleItems and an availabilityView string (one digit per interval:
// 0 free, 1 tentative, 2 busy, 3 out of office, 4 working elsewhere).
import { type BusyTime, statusPerInterval } from '../../calendar/free-busy.ts';
import type { Item, ShowAs } from '../../model.ts';
import { PERMISSIONS } from '../auth.ts';
import { badRequest } from '../errors.ts';
import type { Json } from '../mappers/common.ts';
import { entityResponse, jsonBody } from '../paging.ts';
import { expandEvent } from '../recurrence.ts';
import { fromDateTimeTimeZone, toDateTimeTimeZone } from '../time.ts';
import type { Route, RouteCall } from '../types.ts';

const DIGIT: Record<ShowAs, string> = {
  free: '0',
  tentative: '1',
  busy: '2',
  oof: '3',
  workingElsewhere: '4',
  unknown: '0',
};
export const MAX_SCHEDULES = 100;

interface Busy extends BusyTime {
  subject: string;
  location: string;
  isPrivate: boolean;
}

function busyTimes(call: RouteCall, mailboxId: string, from: number, to: number): Busy[] {
  const { store } = call.ctx;
  const out: Busy[] = [];
  for (const folder of store.folders(mailboxId)) {
    if (folder.folderClass !== 'IPF.Appointment') continue;
    for (const item of store.items(mailboxId, folder.id)) {
      if (item.kind !== 'event' || item.data.isCancelled) continue;
      const event = item as Item<'event'>;
      for (const instance of expandEvent(event, from, to)) {
        const o = instance.override;
        if (o?.isCancelled) continue;
        const showAs = o?.showAs ?? event.data.showAs;
        if (showAs === 'free') continue;
        const isPrivate = event.data.sensitivity === 'private';
        out.push({
          start: Date.parse(instance.start),
          end: Date.parse(instance.end),
          showAs,
          subject: isPrivate ? '' : (o?.subject ?? event.data.subject),
          location: isPrivate ? '' : (o?.location ?? event.data.location ?? ''),
          isPrivate,
        });
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

export function availabilityView(busy: Busy[], from: number, to: number, intervalMinutes: number): string {
  return statusPerInterval(busy, from, to, intervalMinutes)
    .map((status) => DIGIT[status])
    .join('');
}

/** The mailbox's working hours as Graph shows them (the sandbox has one plan: Mon–Fri, 8–17). */
export function workingHoursOf(mailbox: { timeZone: string }): Json {
  return {
    daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
    startTime: '08:00:00.0000000',
    endTime: '17:00:00.0000000',
    timeZone: { name: mailbox.timeZone },
  };
}

function getSchedule(call: RouteCall) {
  const body = jsonBody(call);
  const schedules = body.schedules;
  if (!Array.isArray(schedules) || schedules.length === 0 || schedules.some((s) => typeof s !== 'string')) {
    throw badRequest(
      "getSchedule needs 'schedules': a non-empty array of SMTP addresses.",
      'ErrorInvalidParameter',
    );
  }
  if (schedules.length > MAX_SCHEDULES)
    throw badRequest(`getSchedule accepts at most ${MAX_SCHEDULES} schedules.`, 'ErrorInvalidParameter');
  const from = Date.parse(fromDateTimeTimeZone(body.startTime, 'startTime').instant);
  const to = Date.parse(fromDateTimeTimeZone(body.endTime, 'endTime').instant);
  if (to <= from) throw badRequest('endTime must be after startTime.', 'ErrorInvalidParameter');
  const interval = body.availabilityViewInterval ?? 30;
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 5 || interval > 1440) {
    throw badRequest(
      'availabilityViewInterval must be a whole number of minutes from 5 to 1440.',
      'ErrorInvalidParameter',
    );
  }
  const zone = call.prefs.timeZone ?? 'UTC';
  const value: Json[] = (schedules as string[]).map((address) => {
    const mailbox = call.ctx.store.mailbox(address);
    if (!mailbox || mailbox.tenantId !== call.mailbox.tenantId) {
      return {
        scheduleId: address,
        availabilityView: '',
        scheduleItems: [],
        error: {
          message: `The requested user '${address}' is invalid or has no mailbox.`,
          responseCode: 'ErrorMailRecipientNotFound',
        },
      };
    }
    const busy = busyTimes(call, mailbox.id, from, to);
    return {
      scheduleId: address,
      availabilityView: availabilityView(busy, from, to, interval),
      scheduleItems: busy.map((b) => ({
        isPrivate: b.isPrivate,
        status: b.showAs,
        subject: b.subject,
        location: b.location,
        start: toDateTimeTimeZone(new Date(b.start).toISOString(), zone),
        end: toDateTimeTimeZone(new Date(b.end).toISOString(), zone),
      })),
      workingHours: workingHoursOf(mailbox),
    };
  });
  const response = entityResponse(call, {}, 'Collection(microsoft.graph.scheduleInformation)');
  return { ...response, body: { ...(response.body as Json), value } };
}

export const scheduleRoutes: Route[] = [
  {
    method: 'POST',
    pattern: 'calendar/getSchedule',
    scope: 'mailbox',
    name: 'calendar.getSchedule',
    permissions: PERMISSIONS.schedule,
    handle: getSchedule,
  },
];
