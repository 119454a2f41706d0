// What the contact and account screens show beside a record's own fields: the names of users,
// groups and accounts it refers to by id, and the words for its field types.
import { get, type Page } from '../../api.ts';
import { type MessageKey, t } from '../../i18n.ts';
import type { Account, Contact, Group, User } from '../../types.ts';

/** The largest page the list endpoints give; filters offer at most this many choices. */
export const CHOICES_LIMIT = 500;

export interface Directory {
  users: User[];
  groups: Group[];
  accounts: Account[];
  /** True when there are more accounts than the account filter lists. */
  moreAccounts: boolean;
}

/** The users records name as their owners (the first CHOICES_LIMIT). */
export function loadUsers(signal?: AbortSignal): Promise<User[]> {
  return get<Page<User>>('/api/v1/users', { limit: CHOICES_LIMIT }, signal).then((p) => p.items);
}

export async function loadDirectory(signal?: AbortSignal): Promise<Directory> {
  const [users, groups, accounts] = await Promise.all([
    loadUsers(signal),
    get<Page<Group>>('/api/v1/contactGroups', { limit: CHOICES_LIMIT }, signal),
    get<Page<Account>>('/api/v1/accounts', { limit: CHOICES_LIMIT }, signal),
  ]);
  const byName =
    <T>(name: (t: T) => string) =>
    (a: T, b: T) =>
      name(a).localeCompare(name(b));
  return {
    users: users.sort(byName((u) => u.displayName || u.email)),
    groups: groups.items.sort(byName((g) => g.name)),
    accounts: accounts.items.sort(byName((a) => a.name)),
    moreAccounts: accounts.nextCursor !== null,
  };
}

export function userName(users: User[], id: string): string {
  const user = users.find((u) => u.id === id);
  return user ? user.displayName || user.email : 'another user';
}

// Account names seen so far, kept across screens: a contact list shows many contacts of few
// accounts, so each account is read once.
const accountNames = new Map<string, Promise<string | null>>();

/** The names of these accounts (null for one the user cannot see), read once each. */
export async function accountNamesOf(ids: string[], known: Account[] = []): Promise<Map<string, string>> {
  for (const a of known) if (!accountNames.has(a.id)) accountNames.set(a.id, Promise.resolve(a.name));
  const unique = [...new Set(ids)];
  const names = await Promise.all(
    unique.map((id) => {
      let name = accountNames.get(id);
      if (!name) {
        name = get<Account>(`/api/v1/accounts/${encodeURIComponent(id)}`).then(
          (a) => a.name,
          () => null,
        );
        accountNames.set(id, name);
      }
      return name;
    }),
  );
  const result = new Map<string, string>();
  unique.forEach((id, i) => {
    const name = names[i];
    if (name) result.set(id, name);
  });
  return result;
}

/** Forget a cached account name (after the account was renamed). */
export function forgetAccountName(id: string): void {
  accountNames.delete(id);
}

/**
 * Labels looked up by value, each read from the catalogue when it is read, so that a change of
 * language shows at the next render (`LABELS[value]` and `Object.entries(LABELS)` both work).
 */
function labels<K extends string>(keys: Record<K, MessageKey>): Record<K, string> {
  const properties = Object.fromEntries(
    Object.entries<MessageKey>(keys).map(([value, key]) => [value, { enumerable: true, get: () => t(key) }]),
  );
  return Object.defineProperties({}, properties) as Record<K, string>;
}

export const CONTACT_TYPE_LABELS = labels<Contact['type']>({
  customer: 'contacts.type.customer',
  employee: 'contacts.type.employee',
  other: 'contacts.type.other',
});

export const PHONE_TYPE_LABELS = labels<Contact['phones'][number]['type']>({
  work: 'kind.work',
  work2: 'kind.work2',
  home: 'kind.home',
  home2: 'kind.home2',
  mobile: 'kind.mobile',
  fax_work: 'kind.faxWork',
  fax_home: 'kind.faxHome',
  assistant: 'kind.assistant',
  company: 'kind.company',
  pager: 'kind.pager',
  car: 'kind.car',
  other: 'kind.other',
});

export const KIND_LABELS: Record<string, string> = labels({
  work: 'kind.work',
  home: 'kind.home',
  personal: 'kind.personal',
  other: 'kind.other',
});

type PostalAddress = Contact['addresses'][number] | NonNullable<Account['address']>;

/** An address on one line: "Main St 1, 10115 Berlin, Germany". */
export function addressLine(a: PostalAddress): string {
  const town = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [a.street, town, a.region, a.country].filter(Boolean).join(', ');
}

/** A link target that is safe to put in href: only http(s), otherwise none. */
export function webHref(url: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `https://${url}`;
  try {
    const parsed = new URL(withScheme);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
