// Free/busy over a window cut into equal intervals, as both GetUserAvailability's
// MergedFreeBusy and getSchedule's availabilityView report it: in each interval the strongest
// status of the busy times overlapping it wins.
import type { ShowAs } from '../model.ts';

export interface BusyTime {
  start: number;
  end: number;
  showAs: ShowAs;
}

/** Which status shows when several overlap in one interval. */
const PRIORITY: Record<ShowAs, number> = {
  free: 0,
  unknown: 0,
  workingElsewhere: 1,
  tentative: 2,
  busy: 3,
  oof: 4,
};

/** The status of each interval of `intervalMinutes` from `from` up to `to`. */
export function statusPerInterval(
  busy: readonly BusyTime[],
  from: number,
  to: number,
  intervalMinutes: number,
): ShowAs[] {
  const step = intervalMinutes * 60_000;
  const out: ShowAs[] = [];
  for (let t = from; t < to; t += step) {
    let best: ShowAs = 'free';
    for (const b of busy) {
      if (b.start < t + step && b.end > t && PRIORITY[b.showAs] > PRIORITY[best]) best = b.showAs;
    }
    out.push(best);
  }
  return out;
}
