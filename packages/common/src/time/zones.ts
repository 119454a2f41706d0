// Time-zone names. Exchange speaks Windows zone names ("W. Europe Standard Time"), Exsync's
// neutral model and the tz database speak IANA names ("Europe/Berlin"); clients of both
// protocols also write UTC a dozen ways. The Windows ↔ IANA table is windows-iana's (the CLDR
// mapping), never one of our own.

import { Temporal } from '@js-temporal/polyfill';
import { findIana, findWindows, WINDOWS_TO_IANA_MAP } from 'windows-iana';

/** Names clients use for UTC that neither windows-iana nor the tz database resolves the same way. */
const UTC_NAMES = new Set([
  'utc',
  'etc/utc',
  'gmt',
  'etc/gmt',
  'z',
  'tzone://microsoft/utc',
  'coordinated universal time',
  'gmt standard time utc',
]);

/** Whether the name is one of the usual spellings of UTC. */
export function isUtcName(name: string): boolean {
  return UTC_NAMES.has(name.trim().toLowerCase());
}

/** Area/Location names and the tz database's bare ones (UTC, EST5EDT); never offsets such as +01:00. */
const IANA_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
const ianaIds = new Map<string, string | undefined>();

/** The tz database's spelling of an IANA zone name, or undefined when it knows no such zone. */
function canonicalIana(name: string): string | undefined {
  if (ianaIds.has(name)) return ianaIds.get(name);
  let id: string | undefined;
  if (IANA_SHAPE.test(name)) {
    try {
      id = Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(name).timeZoneId;
    } catch {
      id = undefined;
    }
  }
  // Names come from requests: keep the memo bounded.
  if (ianaIds.size < 2000) ianaIds.set(name, id);
  return id;
}

/** Whether the name is an IANA zone the tz database knows (Europe/Berlin, UTC, Etc/GMT+5). */
export function isIanaZone(name: string): boolean {
  return canonicalIana(name) !== undefined;
}

/** Whether the name is a Windows zone name (as opposed to an IANA one). */
export function isWindowsZoneName(name: string): boolean {
  return findIana(name).length > 0;
}

/** Zone names as requests and stored items give them, resolved once: windows-iana scans its table. */
const resolved = new Map<string, string | undefined>();
const windowsNames = new Map<string, string | undefined>();

/**
 * IANA zone for a Windows zone name, an IANA name or a spelling of UTC; undefined when the name
 * is none of these. A Windows name maps to its main zone (CLDR territory 001).
 */
export function ianaZone(name: string): string | undefined {
  if (resolved.has(name)) return resolved.get(name);
  const id = isUtcName(name) ? 'UTC' : (findIana(name)[0] ?? canonicalIana(name));
  if (resolved.size < 2000) resolved.set(name, id);
  return id;
}

/**
 * ianaZone for names read from a server, where a missing or unknown name (an Exchange custom
 * zone, say) reads as UTC so that one odd item does not stop a sync.
 */
export function ianaZoneOrUtc(name: string | undefined): string {
  return (name && ianaZone(name)) || 'UTC';
}

/**
 * The Windows zone name Exchange stores for a Windows or IANA name (a Windows name is kept as it
 * is); undefined when windows-iana maps the zone to none.
 */
export function windowsZone(name: string): string | undefined {
  if (windowsNames.has(name)) return windowsNames.get(name);
  let windows: string | undefined;
  if (isUtcName(name)) windows = 'UTC';
  else if (isWindowsZoneName(name)) windows = name;
  else {
    const iana = canonicalIana(name);
    windows = iana ? findWindows(iana)[0] : undefined;
  }
  if (windowsNames.size < 2000) windowsNames.set(name, windows);
  return windows;
}

/** Every Windows zone name with its main IANA zone (territory 001), in windows-iana's order. */
export function windowsZoneNames(): Array<{ windows: string; iana: string }> {
  return WINDOWS_TO_IANA_MAP.filter((z) => z.territory === '001').map((z) => ({
    windows: z.windowsName,
    iana: z.iana[0],
  }));
}

/** windowsZone for names written to Exchange, which refuses IANA names: UTC when none maps. */
export function windowsZoneOrUtc(name: string): string {
  return windowsZone(name) ?? 'UTC';
}
