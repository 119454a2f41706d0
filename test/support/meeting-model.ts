// The meeting property test's oracle (test/sync-meeting-property.test.ts): what two-way meeting
// sync must leave behind, from the users' actions alone, without the planner. The same rules as
// the contacts' oracle (test/support/sync-model.ts, docs/mapping.md "Sync decisions"), over the
// fields the test edits, with the organizer's copy as the Exchange side:
//
// - the organizer's new meeting appears in the CRM;
// - an edit on one side only crosses over; edits on both sides are a conflict: with field merge
//   each side keeps its own fields and the policy decides the fields both edited, without it the
//   policy's side is taken whole;
// - a delete (the organizer cancelling, the CRM deleting) crosses over, unless the other side
//   edited the meeting and the policy is that side's;
// - a meeting deleted on neither side is never lost.
//
// An attendee's answer is an edit on the Exchange side: Exchange records it on the organizer's
// copy. A round of runs (every mailbox once) that did not complete (killed, a request failed)
// may have done any part of its work: meetings with a change pending then become uncertain
// when a user changes them again before a round completes, and are taken as the sides show them
// after the next complete round.

export type MeetingField = 'subject' | 'location' | 'response';
export const MEETING_FIELDS: readonly MeetingField[] = ['subject', 'location', 'response'];
export type MeetingValues = Record<MeetingField, string | null>;
type Side = 'crm' | 'exchange';
type Policy = 'crm_wins' | 'exchange_wins';

interface Entry {
  base: MeetingValues | null;
  crm: MeetingValues | null;
  exchange: MeetingValues | null;
  pendingAtCut: boolean;
  uncertain: boolean;
  /** Sides changed in what the test does not compare (an attendee's answer). */
  answered: Set<Side>;
}

const same = (a: MeetingValues | null, b: MeetingValues | null) => JSON.stringify(a) === JSON.stringify(b);
const copy = (v: MeetingValues | null): MeetingValues | null => (v ? { ...v } : null);

export class MeetingModel {
  private readonly entries = new Map<string, Entry>();
  private readonly everDeleted = new Set<string>();
  private readonly policy: Policy;
  private readonly fieldMerge: boolean;

  constructor(policy: Policy, fieldMerge: boolean) {
    this.policy = policy;
    this.fieldMerge = fieldMerge;
  }

  private touched(entry: Entry) {
    if (entry.pendingAtCut) entry.uncertain = true;
  }

  create(side: Side, id: string, values: MeetingValues): void {
    this.entries.set(id, {
      base: null,
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

  private pending(entry: Entry): boolean {
    return entry.base === null || !same(entry.crm, entry.base) || !same(entry.exchange, entry.base);
  }

  /** A complete round; `observe` gives what each side holds, for meetings the model lost track of. */
  completed(observe: { crm: Map<string, MeetingValues>; exchange: Map<string, MeetingValues> }): void {
    for (const [id, entry] of [...this.entries]) {
      if (entry.uncertain) {
        const crm = observe.crm.get(id) ?? null;
        const exchange = observe.exchange.get(id) ?? null;
        if (crm === null && exchange === null) this.entries.delete(id);
        else if (crm !== null && exchange !== null && same(crm, exchange))
          this.entries.set(id, {
            base: copy(crm),
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
      if (outcome === null) this.entries.delete(id);
      else
        this.entries.set(id, {
          ...entry,
          base: copy(outcome),
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
    if (!exchangeEdited) return crm;
    if (!crmEdited) return exchange;
    const winner = this.policy === 'crm_wins' ? crm : exchange;
    if (!this.fieldMerge) return winner;
    const out = { ...base };
    for (const f of MEETING_FIELDS) {
      const byCrm = crm[f] !== base[f];
      const byExchange = exchange[f] !== base[f];
      out[f] = (byCrm && byExchange ? winner : byCrm ? crm : byExchange ? exchange : base)[f];
    }
    return out;
  }

  certain(id: string): boolean {
    return !this.entries.get(id)?.uncertain;
  }

  /** Meetings the model expects on both sides, with their values. */
  expected(): Map<string, MeetingValues> {
    const out = new Map<string, MeetingValues>();
    for (const [id, entry] of this.entries) {
      if (entry.uncertain) continue;
      if (entry.base && same(entry.crm, entry.base) && same(entry.exchange, entry.base))
        out.set(id, entry.base);
    }
    return out;
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
