// Exsync's one time module: every conversion between wall-clock times and instants, and between
// Windows and IANA zone names, in Exsync and its Exchange emulator goes through here. Built on
// Temporal (@js-temporal/polyfill) and windows-iana; see wall-time.ts for the rule on local times
// that daylight-saving changes skip or repeat.

export {
  DISAMBIGUATION,
  dateOf,
  formatLocal,
  fromWallTime,
  localDate,
  nextTransition,
  offsetMinutes,
  parseDate,
  parseLocal,
  plainLocal,
  toWallTime,
  UnknownTimeZoneError,
  utcToZoned,
  type WallTime,
  wallAsUtcMs,
  zonedToEpochMs,
  zonedToUtc,
} from './wall-time.ts';
export {
  ianaZone,
  ianaZoneOrUtc,
  isIanaZone,
  isUtcName,
  isWindowsZoneName,
  windowsZone,
  windowsZoneNames,
  windowsZoneOrUtc,
} from './zones.ts';
