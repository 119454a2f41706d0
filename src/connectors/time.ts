// Time zones at the protocol edge: Exchange speaks Windows zone names, the neutral model IANA.
import { findIana, findWindows } from 'windows-iana';

const isIana = (name: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.includes('/') || name === 'UTC';
  } catch {
    return false;
  }
};

/** IANA name for a Windows (or already IANA) zone name; UTC when unknown. */
export function toIana(name: string | undefined): string {
  if (!name) return 'UTC';
  if (/^(utc|gmt|z|tzone:\/\/microsoft\/utc)$/i.test(name.trim())) return 'UTC';
  if (isIana(name)) return name;
  return findIana(name)[0] ?? 'UTC';
}

/** Windows zone name for an IANA name (Exchange refuses IANA names in most places). */
export function toWindows(name: string): string {
  if (name === 'UTC' || name === 'Etc/UTC' || name === 'GMT') return 'UTC';
  if (!isIana(name)) return name;
  return findWindows(name)[0] ?? 'UTC';
}

function parts(instant: number, zone: string): Record<string, number> {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const out: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(instant)))
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DDTHH:mm:ss` local to `zone` for an ISO instant. */
export function utcToZoned(iso: string, zone: string): string {
  const p = parts(Date.parse(iso), zone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** ISO instant (UTC, `Z`) of a wall-clock time in `zone`. */
export function zonedToUtc(local: string, zone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(local);
  if (!m) throw new RangeError(`"${local}" is not a local date-time.`);
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  // Two passes settle the offset also next to a DST change.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const p = parts(guess, zone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    guess += asUtc - shown;
  }
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

/** Trims fractional seconds and zone suffixes: `2024-01-02T10:00:00.0000000` → `2024-01-02T10:00:00`. */
export function plainLocal(dateTime: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::(\d{2}))?)?/.exec(dateTime);
  if (!m) return dateTime;
  return `${m[1]}T${m[2] ?? '00:00'}:${m[3] ?? '00'}`;
}
