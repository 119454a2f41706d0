// An activity's sync status per mailbox (issue #12, SPEC C8, E7): which mailboxes hold a copy of
// it, whether each is the organizer's copy or an attendee's (read-only: only the organizer's copy
// is written), and whether CRM edits could not be written to Exchange at all.
//
// The rule for "not written": an attendee's link whose recorded record version is older than
// the activity's version, while no mailbox that still syncs holds the organizer's copy. The
// attendee copy is never written, so with no organizer link the edit stays in the CRM. Only
// complete links count; intents waiting for their other side are no copy yet.

/** The entities an activity's copies are linked under. */
export const ACTIVITY_ENTITIES = ['meetings', 'tasks'] as const;

/** One link of the activity, in any mailbox (also those the viewer cannot see). */
export interface ActivityLinkFacts {
  mailboxId: string;
  address: string;
  /** `meetings` or `tasks`. */
  entity: string;
  /** Null for an item of the mailbox alone (a task). */
  role: 'organizer' | 'attendee' | null;
  linked: boolean;
  /** The activity version the link last agreed with; null when not recorded. */
  recordVersion: number | null;
  itemId: string | null;
  folderId: string | null;
  updatedAt: string;
  /** The mailbox is not disconnected: its sync still runs. */
  mailboxSyncs: boolean;
  /** The viewer may see the mailbox (the status lists only these). */
  visible: boolean;
}

export interface ActivityStatusEntry {
  mailboxId: string;
  address: string;
  entity: string;
  role: 'organizer' | 'attendee' | null;
  /** Exsync never writes this copy: it is an attendee's. */
  readOnly: boolean;
  itemId: string | null;
  folderId: string | null;
  lastSyncedAt: string;
  /** CRM edits that could not be written to Exchange through any copy, and why. */
  notWritten: { reason: string } | null;
}

/** The entries of the mailboxes the viewer may see, organizer copies first, then by address. */
export function activitySyncStatus(
  activityVersion: number,
  links: ActivityLinkFacts[],
): ActivityStatusEntry[] {
  const copies = links.filter((l) => l.linked);
  const organizerSyncs = copies.some((l) => l.role === 'organizer' && l.mailboxSyncs);
  const order = (l: ActivityLinkFacts) => (l.role === 'organizer' ? 0 : l.role === 'attendee' ? 1 : 2);
  return copies
    .filter((l) => l.visible)
    .sort((a, b) => order(a) - order(b) || a.address.localeCompare(b.address))
    .map((l) => {
      const behind = l.recordVersion !== null && l.recordVersion < activityVersion;
      const notWritten =
        l.role === 'attendee' && behind && !organizerSyncs
          ? { reason: `${l.address} is an attendee, not the organizer` }
          : null;
      return {
        mailboxId: l.mailboxId,
        address: l.address,
        entity: l.entity,
        role: l.role,
        readOnly: l.role === 'attendee',
        itemId: l.itemId,
        folderId: l.folderId,
        lastSyncedAt: l.updatedAt,
        notWritten,
      };
    });
}
