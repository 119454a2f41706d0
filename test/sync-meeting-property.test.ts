// E6 for meetings as a property: two mailboxes of the sandbox share meetings (ada organizes,
// grace is invited), both sync their calendars two ways into one CRM. Random histories of the
// organizer's new meetings (single and recurring), edits, moved and cancelled occurrences and
// cancellations sent to grace, grace's answers (accept, tentative, decline), CRM edits and
// deletes, rounds of runs (each mailbox once, in either order) that may be killed at any step or
// meet Exchange faults (every tenth request of the round a dropped connection after the request
// was carried out, or a server error), and expired sync states. Once the sync settles:
// - exactly one CRM activity per meeting, and per meeting key the same record in every mailbox;
// - every copy in either calendar is linked to that activity (the organizer's and grace's), but
//   on Graph those of a meeting deleted in the CRM, which its organizer's mailbox lets go of;
// - the organizer's copy and the activity agree (subject, location, series, and the series'
//   moved and cancelled occurrences), but on Graph in what a meeting with attendees holds back;
// - the conflict policy is obeyed and nothing deleted comes back (the oracle in
//   test/support/meeting-model.ts, from the users' actions alone);
// - on Graph, a CRM value never reaches the organizer's copy of a meeting with attendees (CRM
//   edits there set values of their own, so that this is checked whatever the oracle knows);
// - no sync run put a meeting request, update, cancellation or response into any mailbox.
//
// The users act in the sandbox's store as Outlook would (the organizer's sends go through the
// sandbox's own meeting transport, so grace's copy changes only when ada sends); the sync reaches
// the mailboxes over EWS or Graph. EXSYNC_MEETING_PROPERTY_RUNS cases per protocol: 500 on
// SQLite, 100 on PostgreSQL by default (every run costs requests to the sandbox, and PostgreSQL a
// round trip per commit; the engine's decisions do not depend on the database, its storage is
// covered by the 100). EXSYNC_PROPERTY_SEED replays a seed as in test/sync-property.test.ts, and
// EXSYNC_PROPERTY_PATH with it the failing case fast-check reports (its "path"), from there on.
//
// What main does not do yet is marked "Not ... yet (reported)" where the test steps around it:
// each such place names the behaviour, so that the work closing it removes the step-around. With
// the invitation setting off (the default, used here), Graph writes nothing attendees see to a
// meeting with attendees and lets go of it when the CRM deletes it, rather than mail an update
// or a cancellation (docs/mapping.md, "Nothing mailed on Graph"): the oracle models both.

import { randomBytes } from 'node:crypto';
import { zonedToUtc } from '@exsync/common/time';
import {
  type MeetingResponse,
  meetingMessages,
  respondToMeeting,
  sendMeetingCancellations,
  sendMeetingRequests,
  updateKind,
} from '@exsync/sandbox/calendar/meetings';
import type { SandboxContext } from '@exsync/sandbox/context';
import type { EventData, Item, Mailbox } from '@exsync/sandbox/model';
import { buildEvent } from '@exsync/sandbox/seed/builders';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import type { Activity } from '../src/crm/activities.ts';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import { seriesKey } from '../src/sync/activities/meeting-key.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { SimulatedCrash } from '../src/sync/executor.ts';
import type { ConflictPolicy } from '../src/sync/types.ts';
import { testEngine } from './support/db.ts';
import { MeetingModel, type MeetingValues } from './support/meeting-model.ts';
import { freshMailbox, MemoryMailboxSource, sandboxConnectors } from './support/sandbox-source.ts';
import { sharedMeetingSettings, useSandboxAndCrm } from './support/sync-sandbox.ts';

const RUNS = Number(process.env.EXSYNC_MEETING_PROPERTY_RUNS ?? (testEngine === 'postgres' ? 100 : 500));
const PROPERTY_SEED = process.env.EXSYNC_PROPERTY_SEED ?? '20261207';
/** With the seed, where fast-check's report says a failing case is ("path"): replays from there. */
const PROPERTY_PATH = process.env.EXSYNC_PROPERTY_PATH;

type Who = 'ada' | 'grace';
type Step =
  | { op: 'orgCreate'; series: boolean }
  | { op: 'orgEdit'; pick: number; field: 'subject' | 'location'; value: number }
  | { op: 'orgCancel'; pick: number }
  | { op: 'respond'; pick: number; response: MeetingResponse }
  | { op: 'orgOccurrence'; pick: number; index: number; change: 'move' | 'cancel' }
  | { op: 'crmEdit'; pick: number; field: 'subject' | 'location'; value: number }
  | { op: 'crmDelete'; pick: number }
  | { op: 'sync'; first: Who; crashAt: number | null; crashIn: Who; fault: Fault }
  | { op: 'expire'; who: Who };

/** A fault Exchange answers every tenth request of a round with, the mailbox's connection dropped after the request was carried out, or a server error. */
type Fault = 'none' | 'drop' | 'serverError';
const editField = fc.constantFrom<'subject' | 'location'>('subject', 'location');
const value = fc.nat({ max: 3 });
const who = fc.constantFrom<Who>('ada', 'grace');
const step = (): fc.Arbitrary<Step> =>
  fc.oneof(
    ...[
      { arbitrary: fc.record({ op: fc.constant('orgCreate' as const), series: fc.boolean() }), weight: 3 },
      {
        arbitrary: fc.record({
          op: fc.constant('orgEdit' as const),
          pick: fc.nat(),
          field: editField,
          value,
        }),
        weight: 3,
      },
      { arbitrary: fc.record({ op: fc.constant('orgCancel' as const), pick: fc.nat() }), weight: 1 },
      {
        arbitrary: fc.record({
          op: fc.constant('respond' as const),
          pick: fc.nat(),
          response: fc.constantFrom<MeetingResponse>('accepted', 'tentativelyAccepted', 'declined'),
        }),
        weight: 2,
      },
      {
        arbitrary: fc.record({
          op: fc.constant('sync' as const),
          first: who,
          crashAt: fc.option(fc.nat({ max: 40 }), { nil: null, freq: 3 }),
          crashIn: who,
          fault: fc.constantFrom<Fault>('none', 'none', 'drop', 'serverError'),
        }),
        weight: 4,
      },
      {
        arbitrary: fc.record({
          op: fc.constant('orgOccurrence' as const),
          pick: fc.nat(),
          index: fc.nat({ max: 3 }),
          change: fc.constantFrom<'move' | 'cancel'>('move', 'cancel'),
        }),
        weight: 2,
      },
      { arbitrary: fc.record({ op: fc.constant('expire' as const), who }), weight: 1 },
      {
        arbitrary: fc.record({
          op: fc.constant('crmEdit' as const),
          pick: fc.nat(),
          field: editField,
          value,
        }),
        weight: 3,
      },
      { arbitrary: fc.record({ op: fc.constant('crmDelete' as const), pick: fc.nat() }), weight: 1 },
    ],
  ) as fc.Arbitrary<Step>;

/** Sandbox answers as the CRM keeps them (docs/mapping.md, Activities). */
const RESPONSE: Record<string, string> = {
  accepted: 'accepted',
  tentativelyAccepted: 'tentative',
  declined: 'declined',
  notResponded: 'none',
  none: 'none',
};

/** The subject the test gives a meeting: its id, then the value an edit set. */
const subjectOf = (id: string, v: number | string) => `${id} s${v}`;
const locationOf = (v: number | string) => `Room ${v}`;
/** On Graph, what a CRM edit sets: values of its own, so that one reaching a copy shows. */
const crmValue = (protocol: Protocol, v: number) => (protocol === 'graph' ? `k${v}` : v);
const madeInCrm = (values: { subject: string | null; location: string | null }) =>
  / sk\d$/.test(values.subject ?? '') || /^Room k\d$/.test(values.location ?? '');
/** The meeting id in a subject; an attendee's copy of a cancelled meeting says "Canceled: ". */
const meetingIdIn = (subject: string) => /\bc\d+m\d+\b/.exec(subject)?.[0];
const cleanSubject = (subject: string) => subject.replace(/^Canceled: /, '');

/** A number from a text (FNV-1a), to seed a history's faults. */
const seedOf = (text: string) => {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
};
const iso = (instant: string | undefined) => (instant ? new Date(instant).toISOString() : undefined);
/**
 * A series' moved and cancelled occurrences as the organizer's copy holds them. An exception put
 * back at the pattern's time (the CRM winning over a move) stays an exception on Exchange: it
 * is at its place all the same.
 */
const heldOccurrences = (data: EventData) => ({
  moved: data.modifiedOccurrences
    .filter((o) => o.start !== undefined && iso(o.start) !== iso(o.originalStart))
    .map((o) => [iso(o.originalStart), iso(o.start), iso(o.end)])
    .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
  cancelled: data.deletedOccurrences.map(iso).sort(),
});
/** The same as the activity holds them. */
const crmOccurrences = (a: Activity) => ({
  moved: (a.recurrence?.exceptions ?? [])
    .filter((o) => o.startsAt !== undefined && iso(o.startsAt) !== iso(o.originalStart))
    .map((o) => [iso(o.originalStart), iso(o.startsAt ?? o.originalStart), iso(o.endsAt)])
    .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
  cancelled: (a.recurrence?.deletedOccurrences ?? []).map(iso).sort(),
});

const world = useSandboxAndCrm();
let caseNo = 0;

describe.each<Protocol>(['ews', 'graph'])('meeting sync settles correctly over %s (sandbox)', (protocol) => {
  // Connectors without the traffic recorder of useProtocolSource: the protocol suites check
  // the connectors' traffic against the schemas; thousands of runs here would only repeat it.
  const exchange = {} as { source: MemoryMailboxSource; close(): void };
  beforeAll(() => {
    const connectors = sandboxConnectors(world.sandbox, protocol);
    exchange.source = new MemoryMailboxSource(connectors.connect);
    exchange.close = connectors.close;
  });
  afterAll(() => exchange.close?.());

  const engineFor = (checkpoint?: (s: string) => void) =>
    new SyncEngine({
      crm: world.fx.crm,
      source: exchange.source,
      entities: [meetingsEntity],
      pageSize: 4,
      batchSize: 4,
      leaseMs: -1000,
      ...(checkpoint ? { checkpoint } : {}),
    });

  async function runCase(steps: Step[], policy: ConflictPolicy, fieldMerge: boolean): Promise<void> {
    const { sandbox, fx } = world;
    const store = sandbox.store;
    const ctx: SandboxContext = {
      store,
      faults: sandbox.faults,
      tokens: sandbox.identity,
      baseUrl: () => sandbox.url,
      now: Date.now,
    };
    const c = caseNo++;
    const mailboxSettings = { meetings: sharedMeetingSettings(policy, fieldMerge) };
    // Administrators: each user's sync may change the activity the other's sync created (an
    // attendee's user who cannot see the organizer's activity is another matter).
    const mailbox = async (name: Who) => {
      const { address, mailboxId } = await freshMailbox(
        sandbox,
        fx.crm,
        exchange.source,
        mailboxSettings,
        `${name}${c}x`,
        { displayName: name, administrator: true },
      );
      return { address, mailboxId };
    };
    const m = { ada: await mailbox('ada'), grace: await mailbox('grace') };
    const mbx: Record<Who, Mailbox> = {
      ada: store.mailbox(m.ada.address)!,
      grace: store.mailbox(m.grace.address)!,
    };
    const calendarOf = (w: Who) =>
      (
        store.items(mbx[w].id, store.distinguishedFolder(mbx[w].id, 'calendar')!.id) as Array<Item<'event'>>
      ).sort((a, b) => a.id.localeCompare(b.id));
    /** ada's own meetings, by the id in their subject. */
    const organized = () =>
      calendarOf('ada')
        .filter((i) => i.data.isOrganizer)
        .sort((a, b) => (meetingIdIn(a.data.subject) ?? '').localeCompare(meetingIdIn(b.data.subject) ?? ''));
    const graceResponse = (e: EventData) =>
      RESPONSE[
        e.attendees.find((a) => a.email.address.toLowerCase() === m.grace.address.toLowerCase())?.response ??
          'none'
      ];
    const exchangeValues = (e: EventData): MeetingValues => ({
      subject: cleanSubject(e.subject),
      location: e.location ?? null,
      // Not compared yet (reported): the attendee's answer comes back from her own copy, and an
      // organizer's full update resets it there while the organizer's copy keeps the old one.
      response: graceResponse(e) && null,
      occurrences: JSON.stringify(heldOccurrences(e)),
    });
    const admin = fx.admin;
    /** The case's activities: those its users own (each sync imports as its mailbox's user). */
    const activities = async (): Promise<Activity[]> => {
      const mine = (await fx.crm.activities.list(admin, { filter: { q: `c${c}m` }, limit: 500 }))
        .items as Activity[];
      return mine
        .filter((a) => meetingIdIn(a.subject)?.startsWith(`c${c}m`))
        .sort((a, b) =>
          (meetingIdIn(a.subject) ?? a.subject).localeCompare(meetingIdIn(b.subject) ?? b.subject),
        );
    };
    const crmValues = (a: Activity): MeetingValues => ({
      subject: cleanSubject(a.subject),
      location: a.location,
      response: null,
      occurrences: JSON.stringify(crmOccurrences(a)),
    });
    const observe = async () => ({
      crm: new Map((await activities()).map((a) => [meetingIdIn(a.subject)!, crmValues(a)])),
      exchange: new Map(organized().map((i) => [meetingIdIn(i.data.subject)!, exchangeValues(i.data)])),
      withAttendees: new Set(
        organized()
          .filter((i) => i.data.attendees.length > 0)
          .map((i) => meetingIdIn(i.data.subject)!),
      ),
    });
    const sentMessages = () =>
      meetingMessages(ctx, mbx.ada).counts.total + meetingMessages(ctx, mbx.grace).counts.total;

    /** ada changes her meeting and sends the update to its attendees, as Outlook does. */
    const organizerUpdates = (item: Item<'event'>, patch: Partial<EventData>) => {
      const before = structuredClone(item.data);
      const after = store.updateItem<'event'>(mbx.ada.id, item.id, patch, 'user') as Item<'event'>;
      sendMeetingRequests(ctx, mbx.ada, after.data, after.data.attendees, updateKind(before, after.data), {
        saveCopy: true,
        actor: 'user',
      });
      return after;
    };

    // On Graph the organizer's copy of a meeting with attendees is not written what they see.
    const model = new MeetingModel(policy, fieldMerge, { holdsBack: protocol === 'graph' });
    const deleted = { crm: new Set<string>(), exchange: new Set<string>() };
    const edited = { crm: new Set<string>(), exchange: new Set<string>() };
    let n = 0;
    const today = new Date();
    const dateIn = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);

    const run = async (w: Who, checkpoint?: (s: string) => void) => {
      const before = sentMessages();
      let timer: NodeJS.Timeout | undefined;
      // A run that never ends fails the history (every request has a deadline, every run a budget).
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${w}'s run did not end within 60 s`)), 60_000);
      });
      const result = await Promise.race([
        engineFor(checkpoint)
          .syncMailbox(m[w].mailboxId, 'meetings')
          .catch((error: unknown) => {
            if (!(error instanceof SimulatedCrash)) throw error;
            return undefined;
          }),
        hung,
      ]).finally(() => clearTimeout(timer));
      expect(sentMessages(), `${w}'s run sent a meeting message`).toBe(before);
      return result;
    };
    const round = async (first: Who, crashAt: number | null, crashIn: Who, fault: Fault = 'none') => {
      let complete = true;
      // Every tenth request of the round, at random (seeded), on either mailbox: a dropped
      // connection after the request was carried out (a create's answer lost), or a server
      // error (on Graph without Retry-After: its wait would slow every case by a second).
      const rule =
        fault === 'none'
          ? undefined
          : sandbox.faults.add({
              protocol,
              fault: fault === 'drop' ? { kind: 'drop' } : { kind: 'serverError', status: 500 },
              rate: 0.1,
              // From the history, so that a failing history replays with the same faults.
              seed: seedOf(JSON.stringify(steps)) + n,
            });
      try {
        for (const w of first === 'ada' ? (['ada', 'grace'] as const) : (['grace', 'ada'] as const)) {
          let seen = 0;
          const result = await run(
            w,
            crashAt !== null && crashIn === w
              ? (s) => {
                  if (seen++ === crashAt) throw new SimulatedCrash(s);
                }
              : undefined,
          );
          if (
            result === undefined ||
            result.status !== 'succeeded' ||
            result.tally?.blocked ||
            (result.tally?.errors.length ?? 0) > 0
          )
            complete = false;
        }
      } finally {
        if (rule) {
          // A round a fault hit is taken as incomplete: some of its work may be left for the next.
          if ((sandbox.faults.list().find((r) => r.id === rule.id)?.applied ?? 0) > 0) complete = false;
          sandbox.faults.remove(rule.id);
        }
      }
      if (complete) model.completed(await observe());
      else model.cut();
    };

    for (const s of steps) {
      switch (s.op) {
        case 'orgCreate': {
          const id = `c${c}m${n++}`;
          const date = dateIn(7 + n);
          const data = buildEvent({
            subject: subjectOf(id, 0),
            date,
            time: '10:00',
            durationMinutes: 60,
            timeZone: 'W. Europe Standard Time',
            organizer: { address: m.ada.address, name: 'Ada' },
            attendees: [
              { email: { address: m.grace.address, name: 'Grace' }, type: 'required', response: 'none' },
            ],
            location: locationOf(0),
            uidKey: `${m.ada.address}-${id}`,
          });
          if (s.series)
            data.recurrence = {
              pattern: {
                type: 'weekly',
                interval: 1,
                daysOfWeek: [
                  (['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const)[
                    new Date(`${date}T12:00:00Z`).getUTCDay()
                  ],
                ],
                firstDayOfWeek: 'sunday',
              },
              range: {
                type: 'numbered',
                startDate: date,
                numberOfOccurrences: 4,
                recurrenceTimeZone: 'W. Europe Standard Time',
              },
            };
          const calendar = store.distinguishedFolder(mbx.ada.id, 'calendar')!;
          const item = store.createItem(mbx.ada.id, calendar.id, 'event', data, 'user') as Item<'event'>;
          sendMeetingRequests(ctx, mbx.ada, item.data, item.data.attendees, 'newMeetingRequest', {
            saveCopy: true,
            actor: 'user',
          });
          model.create('exchange', id, exchangeValues(item.data));
          break;
        }
        case 'orgEdit': {
          const all = organized();
          if (all.length === 0) break;
          const item = all[s.pick % all.length];
          const id = meetingIdIn(item.data.subject)!;
          const v = s.field === 'subject' ? subjectOf(id, s.value) : locationOf(s.value);
          organizerUpdates(item, { [s.field]: v });
          model.edit('exchange', id, s.field, v);
          edited.exchange.add(id);
          break;
        }
        case 'orgCancel': {
          const all = organized();
          if (all.length === 0) break;
          const item = all[s.pick % all.length];
          const id = meetingIdIn(item.data.subject)!;
          store.deleteItem(mbx.ada.id, item.id, 'moveToDeletedItems', 'user');
          sendMeetingCancellations(ctx, mbx.ada, item.data, item.data.attendees, {
            saveCopy: true,
            actor: 'user',
          });
          model.delete('exchange', id);
          deleted.exchange.add(id);
          break;
        }
        case 'respond': {
          // grace answers from her copy; Exchange records the answer on ada's copy of that UID.
          const live = new Set(organized().map((i) => i.data.iCalUId));
          const copies = calendarOf('grace').filter(
            (i) => !i.data.isOrganizer && !i.data.isCancelled && live.has(i.data.iCalUId),
          );
          if (copies.length === 0) break;
          const copy = copies[s.pick % copies.length];
          const id = meetingIdIn(copy.data.subject)!;
          respondToMeeting(ctx, mbx.grace, copy, s.response, {
            disposition: 'sendAndSaveCopy',
            actor: 'user',
          });
          model.touch('exchange', id);
          edited.exchange.add(id);
          break;
        }
        case 'crmEdit': {
          const all = await activities();
          if (all.length === 0) break;
          const a = all[s.pick % all.length];
          const id = meetingIdIn(a.subject)!;
          const made = crmValue(protocol, s.value);
          const v = s.field === 'subject' ? subjectOf(id, made) : locationOf(made);
          await fx.crm.activities.update(admin, a.id, { [s.field]: v });
          model.edit('crm', id, s.field, v);
          edited.crm.add(id);
          break;
        }
        case 'crmDelete': {
          const all = await activities();
          if (all.length === 0) break;
          const a = all[s.pick % all.length];
          const id = meetingIdIn(a.subject)!;
          await fx.crm.activities.delete(admin, a.id);
          model.delete('crm', id);
          deleted.crm.add(id);
          break;
        }
        case 'sync':
          await round(s.first, s.crashAt, s.crashIn, s.fault);
          break;
        case 'orgOccurrence': {
          // ada moves (two hours later) or cancels one of a series' first four occurrences, and
          // sends the update; a cancelled occurrence cannot come back.
          const series = organized().filter((i) => i.data.recurrence);
          if (series.length === 0) break;
          const item = series[s.pick % series.length];
          const id = meetingIdIn(item.data.subject)!;
          const startDate = item.data.recurrence!.range.startDate;
          const day = new Date(Date.parse(`${startDate}T12:00:00Z`) + s.index * 7 * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const at = zonedToUtc(`${day}T10:00:00`, 'Europe/Berlin');
          const same = (instant: string) => Date.parse(instant) === Date.parse(at);
          if (item.data.deletedOccurrences.some(same)) break;
          const others = item.data.modifiedOccurrences.filter((o) => !same(o.originalStart));
          const hours = (h: number) => new Date(Date.parse(at) + h * 3_600_000).toISOString();
          const after = organizerUpdates(
            item,
            s.change === 'cancel'
              ? { modifiedOccurrences: others, deletedOccurrences: [...item.data.deletedOccurrences, at] }
              : {
                  modifiedOccurrences: [
                    ...others,
                    {
                      id: `AAMkA${randomBytes(24).toString('base64url')}`,
                      changeKey: `CQAAAA${n}`,
                      originalStart: at,
                      start: hours(2),
                      end: hours(3),
                    },
                  ],
                },
          );
          model.edit('exchange', id, 'occurrences', exchangeValues(after.data).occurrences);
          edited.exchange.add(id);
          break;
        }
        case 'expire':
          store.expireSyncStates(mbx[s.who].id);
          break;
      }
    }

    // Settle: rounds until nothing changes, then one more that must write nothing.
    for (let i = 0; i < 2; i++) await round('ada', null, 'ada');
    for (const w of ['ada', 'grace'] as const) {
      const quiet = await run(w);
      expect(
        quiet?.status,
        `${w}'s settled run: ${JSON.stringify(quiet?.error ?? quiet?.tally?.errors)}`,
      ).toBe('succeeded');
      expect(quiet?.tally?.errors, `${w}'s settled run`).toEqual([]);
      const writes = Object.values(quiet!.tally!.counts).flatMap((x) => [x.created, x.updated, x.deleted]);
      expect(writes, `${w}'s settled mailbox syncs nothing`).toEqual([0, 0, 0, 0, 0, 0]);
    }

    const organizerCopies = new Map(organized().map((i) => [meetingIdIn(i.data.subject)!, i]));
    // A meeting the organizer cancelled is never imported from the attendee's cancelled copy.
    const onCrm = await activities();
    const ids = onCrm.map((a) => meetingIdIn(a.subject));
    // Exactly one activity per meeting.
    expect(
      ids.every((id) => id !== undefined),
      JSON.stringify(onCrm.map((a) => a.subject)),
    ).toBe(true);
    expect(new Set(ids).size, `doubled: ${JSON.stringify(ids)}`).toBe(ids.length);
    const recordOf = new Map(onCrm.map((a) => [meetingIdIn(a.subject)!, a]));
    // On Graph a meeting deleted in the CRM whose organizer's copy has attendees is let go of,
    // not deleted (deleting it would mail them a cancellation): its copies stay, linked to nothing.
    const letGo = (id: string) =>
      protocol === 'graph' &&
      deleted.crm.has(id) &&
      !recordOf.has(id) &&
      (organizerCopies.get(id)?.data.attendees.length ?? 0) > 0;

    // Every copy linked to its meeting's one activity, under the copy's key; one record per key.
    const links = await fx.crm.store.db
      .selectFrom('sync_links')
      .select(['mailbox_id', 'record_id', 'shared_key', 'shared_role', 'state', 'delete_mark', 'origin'])
      .where('entity', '=', 'meetings')
      .where('mailbox_id', 'in', [m.ada.mailboxId, m.grace.mailboxId])
      .execute();
    const live = links.filter((l) => l.state === 'linked' && l.delete_mark === null);
    const recordsOfKey = new Map<string, Set<string>>();
    for (const l of live)
      if (
        l.shared_key &&
        recordOf.has(meetingIdIn(onCrm.find((a) => a.id === l.record_id)?.subject ?? '') ?? '')
      )
        recordsOfKey.set(l.shared_key, (recordsOfKey.get(l.shared_key) ?? new Set()).add(l.record_id!));
    for (const [key, records] of recordsOfKey) expect(records.size, `records of key ${key}`).toBe(1);
    for (const w of ['ada', 'grace'] as const) {
      for (const item of calendarOf(w)) {
        const id = meetingIdIn(item.data.subject)!;
        const record = recordOf.get(id);
        if (w === 'grace' && item.data.isCancelled) continue;
        const key = seriesKey(item.data.iCalUId);
        if (letGo(id)) {
          expect(
            live.filter((l) => l.mailbox_id === m[w].mailboxId && l.shared_key === key),
            `${w}'s copy of ${id} is let go of`,
          ).toEqual([]);
          continue;
        }
        if (w === 'grace' && !record) continue;
        expect(record, `${w}'s copy of ${id} has an activity`).toBeDefined();
        const link = live.filter(
          (l) => l.mailbox_id === m[w].mailboxId && (l.shared_key === key || l.record_id === record!.id),
        );
        expect(
          link.map((l) => [l.record_id, l.shared_role, l.shared_key]),
          `${w}'s copy of ${id}`,
        ).toEqual([[record!.id, item.data.isOrganizer ? 'organizer' : 'attendee', key]]);
      }
    }
    // The organizer's copy and the activity agree, and each activity has the organizer's copy.
    for (const a of onCrm) {
      const id = meetingIdIn(a.subject)!;
      const item = organizerCopies.get(id);
      expect(item, `${id} is in ada's calendar`).toBeDefined();
      // On Graph a meeting with attendees is not written what they see: the CRM keeps its edit.
      if (protocol === 'graph' && item!.data.attendees.length > 0)
        expect(
          madeInCrm(exchangeValues(item!.data)),
          `${id}: a CRM value written to a meeting with attendees: ${JSON.stringify(exchangeValues(item!.data))}`,
        ).toBe(false);
      else {
        expect(exchangeValues(item!.data), id).toEqual(crmValues(a));
        // The series' moved and cancelled occurrences, the same on both sides.
        if (item!.data.recurrence)
          expect(crmOccurrences(a), `${id}'s occurrences`).toEqual(heldOccurrences(item!.data));
      }
      expect(a.recurrence !== null, `${id} is a series on both sides`).toBe(
        item!.data.recurrence !== undefined,
      );
    }
    expect([...organizerCopies.keys()].filter((id) => !letGo(id)).length).toBe(onCrm.length);

    // The oracle: conflict policy, field merge, deletes against edits.
    const expected = model.expected();
    for (const a of onCrm) {
      const id = meetingIdIn(a.subject)!;
      if (!model.certain(id)) continue;
      expect(expected.has(id), `${id} should be gone: ${model.describe(id)}`).toBe(true);
      expect(crmValues(a), `${id}: ${model.describe(id)}`).toEqual(expected.get(id)!.crm);
      expect(exchangeValues(organizerCopies.get(id)!.data), `${id}'s copy: ${model.describe(id)}`).toEqual(
        expected.get(id)!.exchange,
      );
    }
    // Let go of on Graph: gone from the CRM, and the organizer's copy left in her calendar.
    for (const id of model.letGo()) {
      expect(recordOf.has(id), `${id} was let go of`).toBe(false);
      if (!deleted.exchange.has(id)) expect(letGo(id), `${id} is still in ada's calendar`).toBe(true);
    }
    for (const id of expected.keys())
      expect(recordOf.has(id), `${id} is missing: ${model.describe(id)}`).toBe(true);
    for (const id of model.neverDeleted()) expect(recordOf.has(id), `${id} was never deleted`).toBe(true);
    // Nothing deleted comes back, unless the other side edited it and its policy won.
    for (const id of recordOf.keys()) {
      if (deleted.exchange.has(id))
        expect(policy === 'crm_wins' && edited.crm.has(id), `${id} was cancelled by its organizer`).toBe(
          true,
        );
      if (deleted.crm.has(id))
        expect(policy === 'exchange_wins' && edited.exchange.has(id), `${id} was deleted in the CRM`).toBe(
          true,
        );
    }
  }

  it(`holds for ${RUNS} random histories of two mailboxes sharing meetings, with kills and expired sync states`, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.array(step(), { minLength: 1, maxLength: 10 }),
        fc.constantFrom<ConflictPolicy>('crm_wins', 'exchange_wins'),
        fc.boolean(),
        runCase,
      ),
      {
        numRuns: RUNS,
        ...(PROPERTY_SEED === 'random' ? {} : { seed: Number(PROPERTY_SEED) }),
        ...(PROPERTY_PATH ? { path: PROPERTY_PATH } : {}),
        // Histories that once failed run first every time: an organizer's run killed between
        // creating an activity and linking it, then an expired state (two activities); a
        // cancellation after a run (the attendee's run then failed on every run).
        examples: [
          // A meeting deleted in the CRM after grace's run imported it and before ada's run
          // (killed at its first step) linked the organizer's copy: handled as if it had been
          // linked, the delete written to ada's copy (on Graph, the copy let go of) (found with
          // server errors, seed 3001, where ada's run failed instead).
          [
            [
              { op: 'orgCreate', series: true },
              { op: 'sync', first: 'grace', crashAt: 0, crashIn: 'ada', fault: 'none' },
              { op: 'crmEdit', pick: 0, field: 'location', value: 2 },
              { op: 'crmDelete', pick: 0 },
            ],
            'exchange_wins',
            true,
          ],
          // A meeting ada's killed run imported (the activity made, her copy not yet linked) and
          // she then cancelled: the next read does not list the copy made and deleted since its
          // position, and the activity must go all the same (found while shrinking, seed
          // 20261207, path 176:52:101:1:1:2:4:5:5:8:11:7:7 on Graph).
          [
            [
              { op: 'sync', first: 'ada', crashAt: null, crashIn: 'ada', fault: 'none' },
              { op: 'orgCreate', series: false },
              { op: 'sync', first: 'ada', crashAt: 3, crashIn: 'ada', fault: 'none' },
              { op: 'orgCancel', pick: 0 },
            ],
            'crm_wins',
            false,
          ],
          // The organizer cancelling an occurrence while the CRM edits the series, the CRM winning
          // whole: the cancellation stands in the activity, the CRM's subject reaches Exchange
          // (held back on Graph, where the meeting has attendees).
          [
            [
              { op: 'orgCreate', series: true },
              { op: 'sync', first: 'ada', crashAt: null, crashIn: 'ada', fault: 'none' },
              { op: 'orgOccurrence', pick: 0, index: 0, change: 'cancel' },
              { op: 'crmEdit', pick: 0, field: 'subject', value: 1 },
            ],
            'crm_wins',
            false,
          ],
          // A moved occurrence the CRM wins over whole: put back at its place on Exchange, where
          // it stays an exception (found by seed 20261207 once occurrences were in the histories).
          [
            [
              { op: 'orgCreate', series: true },
              { op: 'sync', first: 'ada', crashAt: null, crashIn: 'ada', fault: 'none' },
              { op: 'orgOccurrence', pick: 0, index: 0, change: 'move' },
              { op: 'crmEdit', pick: 0, field: 'subject', value: 1 },
            ],
            'crm_wins',
            false,
          ],
          // The organizer's copy joining, after a killed run, the activity grace's copy made and
          // the CRM edited since: the edit must reach the organizer's copy.
          [
            [
              { op: 'orgCreate', series: false },
              { op: 'sync', first: 'grace', crashAt: 3, crashIn: 'grace', fault: 'none' },
              { op: 'crmEdit', pick: 0, field: 'subject', value: 1 },
              { op: 'respond', pick: 0, response: 'accepted' },
            ],
            'crm_wins',
            false,
          ],
          // The CRM winning over the organizer's cancellation: written anew to ada's calendar
          // under a new UID, while grace's cancelled copy of the old one lets go (seed 20261207).
          [
            [
              { op: 'orgCreate', series: false },
              { op: 'sync', first: 'ada', crashAt: null, crashIn: 'ada', fault: 'none' },
              { op: 'orgCancel', pick: 0 },
              { op: 'crmEdit', pick: 0, field: 'subject', value: 1 },
            ],
            'crm_wins',
            false,
          ],
          // An answer, then the organizer's full update, read by grace's run first; and a decline
          // after a killed run (found by 500 histories, seed 20261207).
          [
            [
              { op: 'orgCreate', series: false },
              { op: 'respond', pick: 0, response: 'accepted' },
              { op: 'orgEdit', pick: 0, field: 'location', value: 1 },
              { op: 'sync', first: 'grace', crashAt: null, crashIn: 'ada', fault: 'none' },
              { op: 'sync', first: 'ada', crashAt: null, crashIn: 'ada', fault: 'none' },
            ],
            'crm_wins',
            false,
          ],
          [
            [
              { op: 'orgCreate', series: false },
              { op: 'sync', first: 'ada', crashAt: 0, crashIn: 'ada', fault: 'none' },
              { op: 'respond', pick: 0, response: 'declined' },
              { op: 'orgCreate', series: false },
            ],
            'crm_wins',
            false,
          ],
          [
            [
              { op: 'orgCreate', series: false },
              { op: 'sync', first: 'ada', crashAt: 2, crashIn: 'ada', fault: 'none' },
              { op: 'expire', who: 'ada' },
            ],
            'crm_wins',
            false,
          ],
          [
            [
              { op: 'orgCreate', series: false },
              { op: 'sync', first: 'ada', crashAt: null, crashIn: 'ada', fault: 'none' },
              { op: 'orgCancel', pick: 0 },
              { op: 'orgCreate', series: false },
            ],
            'crm_wins',
            false,
          ],
          // An update bringing back a meeting grace declined, her calendar read afresh (her run
          // then failed on every run), and a meeting cancelled before any run (it was imported
          // from grace's cancelled copy); both found by seed 20261207.
          [
            [
              { op: 'orgCreate', series: false },
              { op: 'sync', first: 'ada', crashAt: null, crashIn: 'ada', fault: 'none' },
              { op: 'expire', who: 'grace' },
              { op: 'respond', pick: 0, response: 'declined' },
              { op: 'orgEdit', pick: 0, field: 'subject', value: 1 },
              { op: 'sync', first: 'ada', crashAt: null, crashIn: 'ada', fault: 'none' },
            ],
            'crm_wins',
            false,
          ],
          [
            [
              { op: 'orgCreate', series: false },
              { op: 'orgCancel', pick: 0 },
              { op: 'sync', first: 'grace', crashAt: null, crashIn: 'ada', fault: 'none' },
            ],
            'exchange_wins',
            false,
          ],
          // ada's series reaches the CRM through grace's copy first; then both sides edit it
          // and grace's run is killed after reading her expired calendar afresh.
          [
            [
              { op: 'orgCreate', series: true },
              { op: 'respond', pick: 0, response: 'accepted' },
              { op: 'sync', first: 'grace', crashAt: null, crashIn: 'ada', fault: 'none' },
              { op: 'crmEdit', pick: 0, field: 'location', value: 2 },
              { op: 'orgEdit', pick: 0, field: 'subject', value: 1 },
              { op: 'expire', who: 'grace' },
              { op: 'sync', first: 'ada', crashAt: 3, crashIn: 'grace', fault: 'none' },
            ],
            'crm_wins',
            true,
          ],
          // A meeting deleted in the CRM (on Graph its organizer's copy, which has attendees, let
          // go of), then changed by its organizer and read afresh: it never comes back.
          [
            [
              { op: 'orgCreate', series: false },
              { op: 'sync', first: 'ada', crashAt: null, crashIn: 'ada', fault: 'none' },
              { op: 'crmDelete', pick: 0 },
              { op: 'sync', first: 'grace', crashAt: null, crashIn: 'ada', fault: 'none' },
              { op: 'orgEdit', pick: 0, field: 'subject', value: 1 },
              { op: 'expire', who: 'ada' },
              { op: 'expire', who: 'grace' },
            ],
            'exchange_wins',
            true,
          ],
        ],
      },
    );
    console.info(
      `meeting property over ${protocol} on ${testEngine}: ${RUNS} cases in ${Date.now() - started} ms`,
    );
  }, 1_800_000);
});
