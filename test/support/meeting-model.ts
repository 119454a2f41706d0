// The meeting property test's oracle (test/sync-meeting-property.test.ts): what two-way meeting
// sync must leave behind, from the users' actions alone, without the planner. The same rules as
// the contacts' oracle (test/support/sync-model.ts, docs/mapping.md "Sync decisions"), over the
// fields the test edits (subject, location, and a series' moved and cancelled occurrences as one
// value, which only the organizer changes), with the organizer's copy as the Exchange side:
//
// - the organizer's new meeting appears in the CRM;
// - an edit on one side only crosses over; edits on both sides are a conflict: with field merge
//   each side keeps its own fields and the policy decides the fields both edited, without it the
//   policy's side is taken whole;
// - a delete (the organizer cancelling, the CRM deleting) crosses over, unless the other side
//   edited the meeting and the policy is that side's;
// - a meeting deleted on neither side is never lost;
// - an occurrence the organizer cancelled stays cancelled on both sides, whatever the policy:
//   Exchange brings one back only by sending the pattern again, so the CRM's series takes the
//   cancellation even where the CRM's value wins (docs/mapping.md, Occurrences).
//
// On Graph (`holdsBack`) the organizer's copy of a meeting with attendees is never written what
// its attendees see (docs/mapping.md, "Nothing mailed on Graph"; the test edits only such
// fields): the decision is the same, the CRM takes its outcome and the copy keeps what it holds,
// which the next round starts from (the link records what the item holds), so a CRM value held
// back stays a CRM edit for later rounds. A CRM delete of such a meeting lets go of the copy
// instead of deleting it: the meeting leaves the CRM and is never imported again (`letGo`). A
// meeting the CRM wins back over its organizer's cancellation is written anew without attendees,
// and from then on is written like any other.
//
// An attendee's answer is an edit on the Exchange side: Exchange records it on the organizer's
// copy. A round of runs (every mailbox once) that did not complete (killed, a request failed)
// may have done any part of its work: meetings with a change pending then become uncertain
// when a user changes them again before a round completes, and are taken as the sides show them
// after the next complete round.

export type MeetingField = 'subject' | 'location' | 'response' | 'occurrences';
export const MEETING_FIELDS: readonly MeetingField[] = ['subject', 'location', 'response', 'occurrences'];
export type MeetingValues = Record<MeetingField, string | null>;
type Side = 'crm' | 'exchange';
type Policy = 'crm_wins' | 'exchange_wins';

interface Entry {
  /** What the link agreed on after the last complete round (the copy's values where held back). */
  base: MeetingValues | null;
  /** What each side held after the last complete round (on EWS both the base). */
  last: { crm: MeetingValues | null; exchange: MeetingValues | null } | null;
  /** Whether the organizer's copy has attendees (Graph holds back what they see). */
  withAttendees: boolean;
  crm: MeetingValues | null;
  exchange: MeetingValues | null;
  pendingAtCut: boolean;
  uncertain: boolean;
  /** Sides changed in what the test does not compare (an attendee's answer). */
  answered: Set<Side>;
}

const same = (a: MeetingValues | null, b: MeetingValues | null) => JSON.stringify(a) === JSON.stringify(b);
const copy = (v: MeetingValues | null): MeetingValues | null => (v ? { ...v } : null);

interface Occurrences {
  moved: Array<[string, string, string]>;
  cancelled: string[];
}

/**
 * The outcome with every occurrence the organizer's copy holds cancelled cancelled in it too
 * (no longer moved): no write brings a cancelled occurrence back, whichever side won.
 */
function cancelledStand(outcome: MeetingValues, exchange: MeetingValues): MeetingValues {
  if (outcome.occurrences === null || exchange.occurrences === null) return outcome;
  const decided = JSON.parse(outcome.occurrences) as Occurrences;
  const { cancelled } = JSON.parse(exchange.occurrences) as Occurrences;
  if (cancelled.every((at) => decided.cancelled.includes(at))) return outcome;
  const occurrences: Occurrences = {
    moved: decided.moved.filter(([at]) => !cancelled.includes(at)),
    cancelled: [...new Set([...decided.cancelled, ...cancelled])].sort(),
  };
  return { ...outcome, occurrences: JSON.stringify(occurrences) };
}

export class MeetingModel {
  private readonly entries = new Map<string, Entry>();
  private readonly everDeleted = new Set<string>();
  private readonly released = new Set<string>();
  private readonly policy: Policy;
  private readonly fieldMerge: boolean;
  private readonly holdsBack: boolean;

  /** `holdsBack`: Graph, where a meeting with attendees is not written what they see. */
  constructor(policy: Policy, fieldMerge: boolean, options: { holdsBack?: boolean } = {}) {
    this.policy = policy;
    this.fieldMerge = fieldMerge;
    this.holdsBack = options.holdsBack ?? false;
  }

  private touched(entry: Entry) {
    if (entry.pendingAtCut) entry.uncertain = true;
  }

  create(side: Side, id: string, values: MeetingValues): void {
    this.entries.set(id, {
      base: null,
      last: null,
      withAttendees: side === 'exchange',
      crm: side === 'crm' ? { ...values } : null,
      exchange: side === 'exchange' ? { ...values } : null,
      pendingAtCut: false,
      uncertain: false,
      answered: new Set(),
    });
  }

  /** Whether the model expects the meeting on this side (for picking what a user edits). */
  has(side: Side, id: string): boolean {
    return this.entries.get(id)?.[side] != null;
  }

  edit(side: Side, id: string, field: MeetingField, value: string | null): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    const current = entry[side];
    if (current) current[field] = value;
    this.touched(entry);
  }

  /** A change on one side to what the test does not compare: an edit all the same. */
  touch(side: Side, id: string): void {
    const entry = this.entries.get(id);
    if (!entry?.[side]) return;
    entry.answered.add(side);
    this.touched(entry);
  }

  delete(side: Side, id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry[side] = null;
    this.everDeleted.add(id);
    this.touched(entry);
  }

  /** A round that did not run to its end. */
  cut(): void {
    for (const entry of this.entries.values()) if (this.pending(entry)) entry.pendingAtCut = true;
  }

  /** Whether a side changed since the last complete round. */
  private pending(entry: Entry): boolean {
    return (
      entry.last === null || !same(entry.crm, entry.last.crm) || !same(entry.exchange, entry.last.exchange)
    );
  }

  /** Whether the organizer's copy is not written the CRM's values (Graph, a copy with attendees). */
  private holds(entry: Entry): boolean {
    return this.holdsBack && entry.withAttendees;
  }

  /**
   * A complete round; `observe` gives what each side holds, for meetings the model lost track of,
   * and (Graph) which organizer's copies have attendees.
   */
  completed(observe: {
    crm: Map<string, MeetingValues>;
    exchange: Map<string, MeetingValues>;
    withAttendees: Set<string>;
  }): void {
    for (const [id, entry] of [...this.entries]) {
      if (entry.uncertain) {
        const crm = observe.crm.get(id) ?? null;
        const exchange = observe.exchange.get(id) ?? null;
        const withAttendees = observe.withAttendees.has(id);
        if (crm === null && exchange === null) this.entries.delete(id);
        // Both sides agree, or (Graph) the copy holds what it holds back: taken from here.
        else if (
          crm !== null &&
          exchange !== null &&
          (same(crm, exchange) || (this.holdsBack && withAttendees))
        )
          this.entries.set(id, {
            base: copy(exchange),
            last: { crm: copy(crm), exchange: copy(exchange) },
            withAttendees,
            crm,
            exchange,
            pendingAtCut: false,
            uncertain: false,
            answered: new Set(),
          });
        continue;
      }
      entry.pendingAtCut = false;
      const outcome = this.decide(entry);
      if (outcome === null) {
        this.entries.delete(id);
        // Deleted in the CRM, and the organizer's copy, which has attendees, let go of.
        if (this.holds(entry) && entry.exchange !== null) this.released.add(id);
      } else if (this.holds(entry) && entry.exchange !== null) {
        // The CRM takes the outcome; the copy keeps what it holds, and the link records it.
        this.entries.set(id, {
          ...entry,
          base: copy(entry.exchange),
          last: { crm: copy(outcome), exchange: copy(entry.exchange) },
          crm: copy(outcome),
          exchange: copy(entry.exchange),
          answered: new Set(),
        });
      } else
        this.entries.set(id, {
          ...entry,
          base: copy(outcome),
          last: { crm: copy(outcome), exchange: copy(outcome) },
          // Written anew over the organizer's cancellation: on Graph without attendees.
          withAttendees: entry.withAttendees && entry.exchange !== null,
          crm: copy(outcome),
          exchange: copy(outcome),
          answered: new Set(),
        });
    }
  }

  private decide(entry: Entry): MeetingValues | null {
    const { base, crm, exchange } = entry;
    if (base === null) return crm ?? exchange;
    if (crm === null && exchange === null) return null;
    const crmEdited = crm !== null && (!same(crm, base) || entry.answered.has('crm'));
    const exchangeEdited = exchange !== null && (!same(exchange, base) || entry.answered.has('exchange'));
    if (exchange === null) return crmEdited && this.policy === 'crm_wins' ? crm : null;
    if (crm === null) return exchangeEdited && this.policy === 'exchange_wins' ? exchange : null;
    if (!exchangeEdited) return cancelledStand(crm, exchange);
    if (!crmEdited) return exchange;
    const winner = this.policy === 'crm_wins' ? crm : exchange;
    if (!this.fieldMerge) return cancelledStand(winner, exchange);
    const out = { ...base };
    for (const f of MEETING_FIELDS) {
      const byCrm = crm[f] !== base[f];
      const byExchange = exchange[f] !== base[f];
      out[f] = (byCrm && byExchange ? winner : byCrm ? crm : byExchange ? exchange : base)[f];
    }
    return cancelledStand(out, exchange);
  }

  certain(id: string): boolean {
    return !this.entries.get(id)?.uncertain;
  }

  /**
   * Meetings the model expects on both sides, with each side's values (the same, but where Graph
   * holds back a CRM value).
   */
  expected(): Map<string, { crm: MeetingValues; exchange: MeetingValues }> {
    const out = new Map<string, { crm: MeetingValues; exchange: MeetingValues }>();
    for (const [id, entry] of this.entries) {
      if (entry.uncertain || !entry.last?.crm || !entry.last.exchange || this.pending(entry)) continue;
      out.set(id, { crm: entry.last.crm, exchange: entry.last.exchange });
    }
    return out;
  }

  /** Meetings deleted in the CRM whose organizer's copy was let go of rather than deleted (Graph). */
  letGo(): ReadonlySet<string> {
    return this.released;
  }

  /** Meetings created and deleted on neither side: these must be on both at the end. */
  neverDeleted(): string[] {
    return [...this.entries.keys()].filter((id) => !this.everDeleted.has(id));
  }

  describe(id: string): string {
    const entry = this.entries.get(id);
    return entry ? JSON.stringify(entry) : 'gone';
  }
}
