// EWS SerializableTimeZone (GetUserAvailability, WorkingHours): a base bias plus yearly
// standard/daylight transition rules, as Windows describes a zone. Read from requests, and
// derived from the tz database for responses.

import { nextTransition, offsetMinutes, toWallTime, type WallTime } from '@exsync/common/time';
import { childElement, childText, type XElement } from '../xml/parse.ts';
import { el, leaf } from '../xml/write.ts';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface TransitionRule {
  /** Extra bias in minutes (daylight is usually -60). */
  bias: number;
  /** Local time of day, `HH:MM:SS`. */
  time: string;
  /** 1..4, or 5 for the last. */
  dayOrder: number;
  /** 1..12; 0 means no transition. */
  month: number;
  dayOfWeek: number;
}

export interface RuleZone {
  /** Minutes to add to local time to get UTC (UTC = local + bias). */
  bias: number;
  standard: TransitionRule;
  daylight: TransitionRule;
}

export const UTC_RULE_ZONE: RuleZone = {
  bias: 0,
  standard: { bias: 0, time: '00:00:00', dayOrder: 1, month: 0, dayOfWeek: 0 },
  daylight: { bias: 0, time: '00:00:00', dayOrder: 1, month: 0, dayOfWeek: 0 },
};

function readDuration(text: string | undefined): number {
  // xs:int minutes in SerializableTimeZone
  const n = Number(text ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function readRule(e: XElement | undefined): TransitionRule {
  return {
    bias: readDuration(childText(e, 'Bias')),
    time: childText(e, 'Time') ?? '00:00:00',
    dayOrder: Number(childText(e, 'DayOrder') ?? 1),
    month: Number(childText(e, 'Month') ?? 0),
    dayOfWeek: Math.max(0, DAY_NAMES.indexOf(childText(e, 'DayOfWeek') ?? 'Sunday')),
  };
}

export function readRuleZone(tz: XElement | undefined): RuleZone {
  if (!tz) return UTC_RULE_ZONE;
  return {
    bias: readDuration(childText(tz, 'Bias')),
    standard: readRule(childElement(tz, 'StandardTime')),
    daylight: readRule(childElement(tz, 'DaylightTime')),
  };
}

function hasDst(z: RuleZone): boolean {
  return z.standard.month > 0 && z.daylight.month > 0 && z.standard.bias !== z.daylight.bias;
}

/** The transition's local time in a year, as minutes since the year's epoch-day grid. */
function transitionLocal(rule: TransitionRule, year: number): number {
  const first = new Date(Date.UTC(year, rule.month - 1, 1)).getUTCDay();
  let day = 1 + ((rule.dayOfWeek - first + 7) % 7) + (Math.min(rule.dayOrder, 5) - 1) * 7;
  const dim = new Date(Date.UTC(year, rule.month, 0)).getUTCDate();
  while (day > dim) day -= 7;
  const [h, m, s] = rule.time.split(':').map(Number);
  return Date.UTC(year, rule.month - 1, day, h, m, s || 0);
}

function isDaylightLocal(z: RuleZone, localAsUtcMs: number): boolean {
  if (!hasDst(z)) return false;
  const year = new Date(localAsUtcMs).getUTCFullYear();
  const dstStart = transitionLocal(z.daylight, year);
  const stdStart = transitionLocal(z.standard, year);
  return dstStart < stdStart
    ? localAsUtcMs >= dstStart && localAsUtcMs < stdStart
    : !(localAsUtcMs >= stdStart && localAsUtcMs < dstStart);
}

/** Local wall time (as a UTC-based ms number) → instant. */
export function ruleZoneToUtc(z: RuleZone, localAsUtcMs: number): number {
  const extra = isDaylightLocal(z, localAsUtcMs) ? z.daylight.bias : z.standard.bias;
  return localAsUtcMs + (z.bias + extra) * 60000;
}

/** Instant → local wall time (as a UTC-based ms number). */
export function ruleZoneFromUtc(z: RuleZone, utcMs: number): number {
  const standardLocal = utcMs - (z.bias + z.standard.bias) * 60000;
  if (!hasDst(z)) return standardLocal;
  const daylightLocal = utcMs - (z.bias + z.daylight.bias) * 60000;
  return isDaylightLocal(z, daylightLocal) ? daylightLocal : standardLocal;
}

/** `YYYY-MM-DDTHH:MM:SS`, no zone, as availability times are written. */
export function formatLocal(localAsUtcMs: number): string {
  return new Date(localAsUtcMs).toISOString().slice(0, 19);
}

function ruleFromTransition(at: number, iana: string, bias: number): TransitionRule {
  // The local time of a transition is given in the time in force before it.
  const before: WallTime = toWallTime(at - 1, iana);
  const wall = toWallTime(at, iana);
  const dim = new Date(Date.UTC(wall.year, wall.month, 0)).getUTCDate();
  const order = wall.day + 7 > dim ? 5 : Math.ceil(wall.day / 7);
  const minutes = before.hour * 60 + before.minute + 1;
  const hh = Math.floor(minutes / 60) % 24;
  return {
    bias,
    time: `${String(hh).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`,
    dayOrder: order,
    month: wall.month,
    dayOfWeek: new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay(),
  };
}

/** Derives a rule zone from the tz database's behaviour in `year`. */
export function ruleZoneFromIana(iana: string, year: number): RuleZone {
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const transitions: number[] = [];
  for (let t = nextTransition(start - 1, iana); t !== undefined && t < end; t = nextTransition(t, iana)) {
    transitions.push(t);
  }
  if (transitions.length < 2) {
    return { ...UTC_RULE_ZONE, bias: -offsetMinutes(start, iana) };
  }
  const offsets = transitions.map((t) => offsetMinutes(t, iana));
  const standardOffset = Math.min(...offsets);
  const daylightOffset = Math.max(...offsets);
  const toDaylight = transitions[offsets.indexOf(daylightOffset)];
  const toStandard = transitions[offsets.indexOf(standardOffset)];
  return {
    bias: -standardOffset,
    standard: ruleFromTransition(toStandard, iana, 0),
    daylight: ruleFromTransition(toDaylight, iana, -(daylightOffset - standardOffset)),
  };
}

function ruleXml(name: string, r: TransitionRule): string {
  return el(
    name,
    null,
    leaf('t:Bias', r.bias),
    leaf('t:Time', r.time),
    leaf('t:DayOrder', r.dayOrder),
    leaf('t:Month', r.month),
    leaf('t:DayOfWeek', DAY_NAMES[r.dayOfWeek]),
  );
}

export function ruleZoneXml(z: RuleZone, name = 't:TimeZone'): string {
  return el(
    name,
    null,
    leaf('t:Bias', z.bias),
    ruleXml('t:StandardTime', z.standard),
    ruleXml('t:DaylightTime', z.daylight),
  );
}
