// What the contact and account screens show beside a record's own fields: the names of users,
// groups and accounts it refers to by id, and the words for its field types.
import { get, type Page } from '../../api.ts';
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

export const CONTACT_TYPE_LABELS: Record<Contact['type'], string> = {
  customer: 'Customer',
  employee: 'Employee',
  other: 'Other',
};

export const PHONE_TYPE_LABELS: Record<Contact['phones'][number]['type'], string> = {
  work: 'Work',
  work2: 'Work 2',
  home: 'Home',
  home2: 'Home 2',
  mobile: 'Mobile',
  fax_work: 'Work fax',
  fax_home: 'Home fax',
  assistant: 'Assistant',
  company: 'Company',
  pager: 'Pager',
  car: 'Car',
  other: 'Other',
};

export const KIND_LABELS: Record<string, string> = {
  work: 'Work',
  home: 'Home',
  personal: 'Personal',
  other: 'Other',
};

type PostalAddress = Contact['addresses'][number] | NonNullable<Account['address']>;

/** An address on one line: "Main St 1, 10115 Berlin, Germany". */
export function addressLine(a: PostalAddress): string {
  const town = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [a.street, town, a.region, a.country].filter(Boolean).join(', ');
}

/** "1st", "2nd", "3rd", "4th", … */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
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
