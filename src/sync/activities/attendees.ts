// Attendees ⇄ CRM participants (C8). An attendee's address is matched to the CRM's users,
// contacts and leads through an address index the caller builds (this module reads nothing);
// an address nobody has stays an address, so no attendee is ever dropped, and each keeps its
// role and response.
import type { Participant } from '../../crm/participants.ts';

export type ParticipantRef = { type: 'user' | 'contact' | 'lead'; id: string };

/**
 * Who holds each email address, keyed by the address in lower case, each list in the order the
 * caller wants the first taken (for instance oldest record first).
 */
export type AddressIndex = ReadonlyMap<string, readonly ParticipantRef[]>;

export type Role = Participant['role'];
export type CrmResponse = Participant['response'];

/** An attendee as the snapshot holds it. */
export interface SnapshotAttendee {
  /** Lower case. */
  address: string;
  name: string | null;
  type: Exclude<Role, 'organizer'>;
  response: CrmResponse;
}

/** What the CRM takes as a participant on create or update (src/crm/participants.ts). */
export interface ParticipantInput {
  type: 'user' | 'contact' | 'lead' | 'email';
  id?: string;
  email?: string;
  name?: string;
  role: Role;
  response: CrmResponse;
}

/** A user is a colleague, and is taken before a contact, a contact before a lead. */
const PREFERENCE: ParticipantRef['type'][] = ['user', 'contact', 'lead'];

/**
 * The CRM record an address belongs to: the one the activity already names for it (an import
 * never moves a participant to another record of the same address), else the first user, else
 * the first contact, else the first lead of the index; undefined for an unknown address.
 */
export function matchAddress(
  address: string,
  index: AddressIndex,
  current: readonly Participant[] = [],
): ParticipantRef | undefined {
  const key = address.toLowerCase();
  const named = current.find((p) => p.type !== 'email' && p.id && p.email?.toLowerCase() === key);
  if (named) return { type: named.type as ParticipantRef['type'], id: named.id! };
  const holders = index.get(key) ?? [];
  for (const type of PREFERENCE) {
    const found = holders.find((h) => h.type === type);
    if (found) return found;
  }
  return undefined;
}

function participantOf(
  address: string,
  name: string | null,
  role: Role,
  response: CrmResponse,
  index: AddressIndex,
  current: readonly Participant[],
): ParticipantInput {
  const ref = matchAddress(address, index, current);
  const base = { email: address.toLowerCase(), role, response, ...(name ? { name } : {}) };
  return ref ? { ...base, type: ref.type, id: ref.id } : { ...base, type: 'email' };
}

/**
 * The participants of an Exchange meeting: its organizer first, then its attendees in the
 * snapshot's order, each matched to a user, contact or lead by address, or kept as an address.
 */
export function matchAttendees(
  organizer: { address: string; name: string | null } | null,
  attendees: readonly SnapshotAttendee[],
  index: AddressIndex,
  current: readonly Participant[] = [],
): ParticipantInput[] {
  const out: ParticipantInput[] = [];
  if (organizer) {
    // Exchange holds no answer of the organizer's own: the CRM's stays, accepted for a new one.
    const address = organizer.address.toLowerCase();
    const known = current.find((p) => p.role === 'organizer' && p.email?.toLowerCase() === address);
    const response = known?.response ?? 'accepted';
    out.push(participantOf(organizer.address, organizer.name, 'organizer', response, index, current));
  }
  for (const a of attendees) out.push(participantOf(a.address, a.name, a.type, a.response, index, current));
  return out;
}

/** Who holds each of a batch of addresses (the CRM's indexed lookup, for the importing user). */
export type AddressLookup = (addresses: string[]) => Promise<AddressIndex>;

/**
 * Links the address participants of a batch of imported activities (creates, or an update's new
 * participant list) to the users, contacts and leads holding their addresses, in place, with one
 * lookup for the whole batch; the CRM is never read whole. Participants already linked (the
 * activity names them) stay as they are, and an address nobody holds stays an address.
 */
export async function linkParticipants(
  lists: ReadonlyArray<ParticipantInput[]>,
  lookup: AddressLookup,
): Promise<void> {
  const addresses = new Set<string>();
  for (const list of lists)
    for (const p of list) if (p.type === 'email' && p.email) addresses.add(p.email.toLowerCase());
  if (addresses.size === 0) return;
  const index = await lookup([...addresses]);
  for (const list of lists)
    for (const [i, p] of list.entries()) {
      if (p.type !== 'email' || !p.email) continue;
      const ref = matchAddress(p.email, index);
      if (ref) list[i] = { ...p, type: ref.type, id: ref.id };
    }
}

/** The participant lists of import inputs or patches that carry one. */
export const participantLists = (records: ReadonlyArray<Record<string, unknown>>) =>
  records.flatMap((r) => (Array.isArray(r.participants) ? [r.participants as ParticipantInput[]] : []));
