// Exsync's one recurrence expansion: the dates and occurrences of a series in Exchange's neutral
// pattern, in the series' own zone (through ../time). The Exchange emulator and the web UI use it.
export {
  type DayOfWeek,
  isBoundedSeries,
  type Occurrence,
  type OccurrenceOverride,
  type Overlap,
  occurrences,
  occurrencesBetween,
  overlapsStrictly,
  overlapsWithInstants,
  patternDates,
  type Recurrence,
  type SeriesEvent,
  type SeriesSummary,
  seriesSummary,
  type WeekIndex,
} from './expansion.ts';
