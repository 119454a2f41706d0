// The property test's oracle: what a two-way contact sync must leave behind, worked out from the
// user's actions alone, without the planner. It follows each contact (by the unique first name
// the test gives it) through creates, edits and deletes on both sides and applies the rules of
// docs/mapping.md ("Sync decisions") at every sync that ran to its end:
//
// - a new contact on one side appears on the other;
// - edits are the fields that differ from what both sides last agreed; an edit on one side only
//   crosses over; edits on both sides are a conflict: with field merge each side keeps its own
//   fields and the policy (crm_wins / exchange_wins) decides the fields both edited differently,
//   without it the policy's side is taken whole;
// - a delete crosses over, unless the other side edited the contact and the policy is that
//   side's: then the edited contact comes back on the deleting side;
// - a contact deleted on neither side is never lost.
//
// A run killed part-way (or hit by an injected fault) may have carried out any part of its work,
// so the model cannot say which of two later edits counts as "after the sync". Contacts with a
// change pending at such a run become *uncertain* when the user changes them again before a run
// completes; after that run the model takes them as the sides show them (both sides must agree)
// and follows them exactly from there. Every other contact is checked exactly at the end.

export type FieldName = 'jobTitle' | 'department' | 'emails' | 'phones' | 'addresses';

export interface ModelAddress {
  street: string | null;
  city: string | null;
  postalCode: string | null;
  country: string | null;
}

/** The synced fields as both sides are compared: the snapshot's form (docs/mapping.md). */
export interface Values {
  jobTitle: string | null;
  department: string | null;
  emails: string[];
  /** Exchange phone slot → number, in international form. */
  phones: Partial<Record<PhoneSlot, string>>;
  /** Exchange address kind → address. */
  addresses: Partial<Record<AddressKind, ModelAddress>>;
}

export type PhoneSlot = 'business' | 'business2' | 'home' | 'home2' | 'mobile';
export type AddressKind = 'business' | 'home' | 'other';

export const FIELDS: readonly FieldName[] = ['jobTitle', 'department', 'emails', 'phones', 'addresses'];

export const emptyValues = (): Values => ({
  jobTitle: null,
  department: null,
  emails: [],
  phones: {},
  addresses: {},
});

const london: ModelAddress = {
  street: '10 Downing Street',
  city: 'London',
  postalCode: 'SW1A 2AA',
  country: 'GB',
};
const berlin: ModelAddress = {
  street: 'Unter den Linden 1',
  city: 'Berlin',
  postalCode: '10117',
  country: 'DE',
};
const tokyo: ModelAddress = { street: '丸の内1-1', city: '東京', postalCode: '100-0005', country: 'JP' };

/** The values an edit may set, per field (a few each, so that both sides often collide). */
export const VALUE_POOL: { [F in FieldName]: ReadonlyArray<Values[F]> } = {
  jobTitle: ['a', 'b', 'c'],
  department: ['a', 'b', 'c'],
  emails: [[], ['anna@example.test'], ['anna@example.test', 'ben@example.org', 'chen@example.net']],
  // Numbers of several countries, already in the international form both sides store. (Graph
  // keeps business and home numbers as lists, so a second slot is only ever filled after the first.)
  phones: [
    {},
    { mobile: '+49 30 1234567' },
    { business: '+44 20 7946 0018', home: '+33 1 23 45 67 89', mobile: '+1 212 555 0134' },
    {
      business: '+49 30 1234567',
      business2: '+44 20 7946 0018',
      home: '+81 3 1234 5678',
      home2: '+33 1 23 45 67 89',
    },
  ],
  addresses: [{}, { business: london }, { home: tokyo, other: berlin }, { business: berlin, home: london }],
};

/** One contact in a form both sides can be compared in (JSON of sorted keys). */
export function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, x]) => [k, sort(x)]),
      );
    return v;
  };
  return JSON.stringify(sort(value));
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
const copy = (v: Values): Values => structuredClone(v);

interface Entry {
  /** What both sides last agreed on; null until the first sync links the contact. */
  base: Values | null;
  crm: Values | null;
  exchange: Values | null;
  /** Had a change pending when a run was cut short. */
  pendingAtCut: boolean;
  /** Changed again after that: the model takes the next complete run's outcome as given. */
  uncertain: boolean;
}

export type Side = 'crm' | 'exchange';
export type Policy = 'crm_wins' | 'exchange_wins';

export interface ObservedRow {
  uid: string;
  values: Values;
}

export class SyncModel {
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

  create(side: Side, uid: string): void {
    this.entries.set(uid, {
      base: null,
      crm: side === 'crm' ? emptyValues() : null,
      exchange: side === 'exchange' ? emptyValues() : null,
      pendingAtCut: false,
      uncertain: false,
    });
  }

  edit<F extends FieldName>(side: Side, uid: string, field: F, value: Values[F]): void {
    const entry = this.entries.get(uid);
    if (!entry) throw new Error(`the model has no ${uid}`);
    const current = entry[side];
    // A side the model does not know of yet was written by a run that was cut short.
    if (!current && !entry.pendingAtCut) throw new Error(`the model has no ${uid} on the ${side} side`);
    if (current) current[field] = structuredClone(value);
    this.touched(entry);
  }

  delete(side: Side, uid: string): void {
    const entry = this.entries.get(uid);
    if (!entry) throw new Error(`the model has no ${uid}`);
    if (!entry[side] && !entry.pendingAtCut) throw new Error(`the model has no ${uid} on the ${side} side`);
    entry[side] = null;
    this.everDeleted.add(uid);
    this.touched(entry);
  }

  /** A run that did not run to its end (killed, or a request failed). */
  cut(): void {
    for (const entry of this.entries.values()) if (this.pending(entry)) entry.pendingAtCut = true;
  }

  private pending(entry: Entry): boolean {
    return entry.base === null || !same(entry.crm, entry.base) || !same(entry.exchange, entry.base);
  }

  /**
   * A run that completed. `observe` gives what each side holds now, for the contacts the model
   * could not follow through a cut run.
   */
  completed(observe: { crm: Map<string, Values>; exchange: Map<string, Values> }): void {
    for (const [uid, entry] of [...this.entries]) {
      if (entry.uncertain) {
        const crm = observe.crm.get(uid) ?? null;
        const exchange = observe.exchange.get(uid) ?? null;
        if (crm === null && exchange === null) this.entries.delete(uid);
        else if (crm !== null && exchange !== null && same(crm, exchange))
          this.entries.set(uid, { base: copy(crm), crm, exchange, pendingAtCut: false, uncertain: false });
        // Sides that disagree stay uncertain; the final check reports them.
        continue;
      }
      entry.pendingAtCut = false;
      const outcome = this.decide(entry);
      if (outcome === null) this.entries.delete(uid);
      else
        this.entries.set(uid, { ...entry, base: copy(outcome), crm: copy(outcome), exchange: copy(outcome) });
    }
  }

  /** What a complete run leaves on both sides, or null when the contact is gone. */
  private decide(entry: Entry): Values | null {
    const { base, crm, exchange } = entry;
    if (base === null) return crm ?? exchange;
    if (crm === null && exchange === null) return null;
    const crmEdited = crm !== null && !same(crm, base);
    const exchangeEdited = exchange !== null && !same(exchange, base);
    if (exchange === null) return crmEdited && this.policy === 'crm_wins' ? crm : null;
    if (crm === null) return exchangeEdited && this.policy === 'exchange_wins' ? exchange : null;
    if (!exchangeEdited) return crm;
    if (!crmEdited) return exchange;
    const winner = this.policy === 'crm_wins' ? crm : exchange;
    if (!this.fieldMerge) return winner;
    const out = copy(base);
    for (const f of FIELDS) {
      const byCrm = !same(crm[f], base[f]);
      const byExchange = !same(exchange[f], base[f]);
      const from = byCrm && byExchange ? winner : byCrm ? crm : byExchange ? exchange : base;
      (out as unknown as Record<string, unknown>)[f] = structuredClone(from[f]);
    }
    return out;
  }

  /** Whether the model follows this contact exactly (it does unless a cut run made it uncertain). */
  certain(uid: string): boolean {
    return !this.entries.get(uid)?.uncertain;
  }

  /** Contacts the model expects, with their values on both sides. */
  expected(): Map<string, Values> {
    const out = new Map<string, Values>();
    for (const [uid, entry] of this.entries) {
      if (entry.uncertain) continue;
      if (entry.base && same(entry.crm, entry.base) && same(entry.exchange, entry.base))
        out.set(uid, entry.base);
    }
    return out;
  }

  /** Contacts created and never deleted on either side: these must exist on both at the end. */
  neverDeleted(): string[] {
    return [...this.entries.keys()].filter((uid) => !this.everDeleted.has(uid));
  }

  /** Every contact the model knows of, uncertain ones included. */
  uids(): string[] {
    return [...this.entries.keys()];
  }

  /** What the model says about one contact, for failure messages. */
  describe(uid: string): string {
    const entry = this.entries.get(uid);
    return entry ? canonical(entry) : 'gone';
  }
}

// ---------- how each side writes and reads the fields ----------

export const SLOT_TO_CRM_TYPE: Record<PhoneSlot, string> = {
  business: 'work',
  business2: 'work2',
  home: 'home',
  home2: 'home2',
  mobile: 'mobile',
};
export const KIND_TO_CRM_TYPE: Record<AddressKind, string> = {
  business: 'work',
  home: 'home',
  other: 'other',
};
const invert = <K extends string>(o: Record<K, string>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [v, k])) as Record<string, K>;
const CRM_TYPE_TO_SLOT = invert(SLOT_TO_CRM_TYPE);
const CRM_TYPE_TO_KIND = invert(KIND_TO_CRM_TYPE);

/** A CRM contact patch setting one field. */
export function crmPatch(field: FieldName, value: Values[FieldName]): Record<string, unknown> {
  switch (field) {
    case 'emails':
      return { emails: (value as string[]).map((address) => ({ type: 'work', address })) };
    case 'phones':
      return {
        phones: Object.entries(value as Values['phones']).map(([slot, number]) => ({
          type: SLOT_TO_CRM_TYPE[slot as PhoneSlot],
          number,
        })),
      };
    case 'addresses':
      return {
        addresses: Object.entries(value as Values['addresses']).map(([kind, a]) => ({
          type: KIND_TO_CRM_TYPE[kind as AddressKind],
          ...a,
        })),
      };
    default:
      return { [field]: value };
  }
}

interface CrmContactLike {
  jobTitle: string | null;
  department: string | null;
  emails: Array<{ address: string }>;
  phones: Array<{ type: string; number: string }>;
  addresses: Array<{
    type: string;
    street?: string | null;
    city?: string | null;
    postalCode?: string | null;
    country?: string | null;
  }>;
}

/** A CRM contact's synced fields. */
export function crmValues(c: CrmContactLike): Values {
  const phones: Values['phones'] = {};
  for (const p of c.phones) phones[CRM_TYPE_TO_SLOT[p.type] ?? (`crm:${p.type}` as PhoneSlot)] = p.number;
  const addresses: Values['addresses'] = {};
  for (const a of c.addresses)
    addresses[CRM_TYPE_TO_KIND[a.type] ?? (`crm:${a.type}` as AddressKind)] = {
      street: a.street ?? null,
      city: a.city ?? null,
      postalCode: a.postalCode ?? null,
      country: a.country ?? null,
    };
  return {
    jobTitle: c.jobTitle ?? null,
    department: c.department ?? null,
    emails: c.emails.map((e) => e.address),
    phones,
    addresses,
  };
}

interface NeutralLike {
  jobTitle?: string;
  department?: string;
  emails: Array<{ address: string }>;
  phones: Array<{ type: string; number: string }>;
  addresses: Array<{
    type: string;
    street?: string;
    city?: string;
    postalCode?: string;
    countryOrRegion?: string;
  }>;
}

const SYNCED_SLOTS = new Set<string>(Object.keys(SLOT_TO_CRM_TYPE));

/** A connector-form (NeutralContact) Exchange contact's synced fields. */
export function neutralValues(c: NeutralLike): Values {
  const phones: Values['phones'] = {};
  for (const p of c.phones) if (SYNCED_SLOTS.has(p.type)) phones[p.type as PhoneSlot] = p.number;
  const addresses: Values['addresses'] = {};
  for (const a of c.addresses)
    addresses[a.type as AddressKind] = {
      street: a.street ?? null,
      city: a.city ?? null,
      postalCode: a.postalCode ?? null,
      country: a.countryOrRegion ?? null,
    };
  return {
    jobTitle: c.jobTitle ?? null,
    department: c.department ?? null,
    emails: c.emails.map((e) => e.address),
    phones,
    addresses,
  };
}

/** A NeutralContact patch setting one field. */
export function neutralPatch(field: FieldName, value: Values[FieldName]): Record<string, unknown> {
  switch (field) {
    case 'emails':
      return { emails: (value as string[]).map((address) => ({ address })) };
    case 'phones':
      return {
        phones: Object.entries(value as Values['phones']).map(([type, number]) => ({ type, number })),
      };
    case 'addresses':
      return {
        addresses: Object.entries(value as Values['addresses']).map(([type, a]) => ({
          type,
          ...(a?.street ? { street: a.street } : {}),
          ...(a?.city ? { city: a.city } : {}),
          ...(a?.postalCode ? { postalCode: a.postalCode } : {}),
          ...(a?.country ? { countryOrRegion: a.country } : {}),
        })),
      };
    default:
      return { [field]: value ?? undefined };
  }
}
