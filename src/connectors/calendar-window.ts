// The time window a calendar is read over where the protocol needs one (Graph v1.0 documents
// event delta only as calendarView/delta over a window).
import type { TimeWindow } from './types.ts';

/** How far ahead a calendar is read by default. */
export const CALENDAR_HORIZON_MONTHS = 18;

/**
 * From `from` (the import date; default the start of this month) to the first day of the month
 * `horizonMonths` after this one, in UTC. The end moves once a month, not with every run: a
 * cursor is bound to its window, and a new window means reading the calendar afresh.
 */
export function calendarWindow(
  options: { from?: string; now?: Date; horizonMonths?: number } = {},
): TimeWindow {
  const now = options.now ?? new Date();
  const month = (offset: number) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString();
  return {
    start: options.from ? new Date(options.from).toISOString() : month(0),
    end: month(options.horizonMonths ?? CALENDAR_HORIZON_MONTHS),
  };
}
