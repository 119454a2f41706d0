// The key that tells that copies of a meeting in several mailboxes are one meeting (C8).
//
// Exchange gives every meeting a global object id (MS-OXOCAL PidLidGlobalObjectId). Its "clean"
// form (PidLidCleanGlobalObjectId) has the occurrence's date bytes zeroed, so it is the same for
// the series and every occurrence, and the same in the organizer's copy and in each attendee's
// copy. EWS gives it as `UID`, Graph as `iCalUId`; both are that clean id, so the key is the id
// itself: nothing is cut from it, and hex ids are only brought to one letter case.

/** The key of a meeting series (or single meeting) from its clean global object id. */
export function seriesKey(cleanGlobalObjectId: string): string {
  const id = cleanGlobalObjectId.trim();
  if (id === '')
    throw new RangeError('A meeting without a UID (iCalUId) has no series key: read the item with its UID.');
  // Hex is case-free; any other UID (an iCalendar one from another system) is compared as given.
  return /^[0-9a-fA-F]+$/.test(id) ? id.toUpperCase() : id;
}

/**
 * The key of one occurrence: its series key and its original start (the start the series gave
 * it, RECURRENCE-ID), as a UTC instant, so a moved occurrence keeps its key.
 */
export function occurrenceKey(series: string, originalStart: string): string {
  // A bare date would be read as UTC midnight, which is not where an all-day occurrence starts.
  const ms = /T/.test(originalStart) ? Date.parse(originalStart) : Number.NaN;
  if (Number.isNaN(ms))
    throw new RangeError(
      `"${originalStart}" is not an instant: give the occurrence's original start with an offset or Z.`,
    );
  return `${series}|${new Date(ms).toISOString().replace('.000Z', 'Z')}`;
}
