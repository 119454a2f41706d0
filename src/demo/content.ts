// What the quick start sets up: who signs in, which sandbox mailbox each of them has, and the
// few CRM records that give the first export something to do. Fixed values, so the README and
// docs/quick-start.md can name them.

import { DEMO_DOMAIN, DEMO_PASSWORD } from '@exsync/sandbox/seed';
import type { ContactCreate } from '../crm/index.ts';

/** The demo users' password. Public on purpose: the demo holds nothing worth protecting. */
export const DEMO_SIGN_IN_PASSWORD = 'exsync-demo';

export interface DemoPerson {
  key: 'admin' | 'sales';
  email: string;
  displayName: string;
  role: 'administrators' | 'sales';
  /** The sandbox mailbox connected for this user. */
  mailbox: string;
}

/**
 * Named after the owners of their sandbox mailboxes, so that the CRM and Exchange call each
 * person alike. Whose tasks a mailbox imports (C2) does not depend on it: an EWS tasks run reads
 * the owner's name from Exchange.
 */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    key: 'admin',
    email: 'admin@exsync.local',
    displayName: 'Ada Lovelace',
    role: 'administrators',
    mailbox: `ada@${DEMO_DOMAIN}`,
  },
  {
    key: 'sales',
    email: 'grace@exsync.local',
    displayName: 'Grace Hopper',
    role: 'sales',
    mailbox: `grace@${DEMO_DOMAIN}`,
  },
];

/** The sandbox mailboxes' password (the sandbox's demo tenant). */
export const DEMO_MAILBOX_PASSWORD = DEMO_PASSWORD;

export const DEMO_SERVICE_NAME = 'Sandbox Exchange';

/**
 * Contact groups the administrator's export filter uses: "Key accounts" is exported whatever
 * the contact's category; "Newsletter" is not, so the filter visibly decides.
 */
export const DEMO_GROUPS = ['Key accounts', 'Newsletter'] as const;
export type DemoGroupName = (typeof DEMO_GROUPS)[number];

export interface DemoAccount {
  name: string;
  owner: DemoPerson['key'];
  website: string;
  industry: string;
  phone: string;
  city: string;
  country: string;
}

/**
 * Both names also occur as company names in the sandbox's mailboxes, so contacts imported from
 * there are linked to these accounts (B2).
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    name: 'Contoso Ltd',
    owner: 'admin',
    website: 'https://www.contoso.example',
    industry: 'Manufacturing',
    phone: '+44 20 7946 0000',
    city: 'London',
    country: 'GB',
  },
  {
    name: 'Fabrikam GmbH',
    owner: 'sales',
    website: 'https://www.fabrikam.example',
    industry: 'Wholesale',
    phone: '+49 30 901820',
    city: 'Berlin',
    country: 'DE',
  },
];

export interface DemoContact {
  owner: DemoPerson['key'];
  account: string | null;
  groups: DemoGroupName[];
  /** Everything but ownership, account and groups, which are ids known only at run time. */
  data: Omit<ContactCreate, 'ownerId' | 'accountId' | 'groupIds'> & { emails: Array<{ address: string }> };
}

export const DEMO_CONTACTS: readonly DemoContact[] = [
  {
    owner: 'admin',
    account: 'Contoso Ltd',
    groups: ['Key accounts'],
    data: {
      type: 'customer',
      givenName: 'Maria',
      familyName: 'Schneider',
      companyName: 'Contoso Ltd',
      jobTitle: 'Head of Purchasing',
      emails: [{ type: 'work', address: 'maria.schneider@contoso.example' }],
      phones: [
        { type: 'work', number: '+44 20 7946 0123' },
        { type: 'mobile', number: '07700 900123' },
      ],
      addresses: [
        {
          type: 'work',
          street: '1 Contoso Way',
          city: 'London',
          postalCode: 'EC1A 1BB',
          country: 'GB',
        },
      ],
      notes: 'Prefers calls before noon. Renewal due in the spring.',
    },
  },
  {
    owner: 'admin',
    account: 'Contoso Ltd',
    groups: ['Newsletter'],
    data: {
      type: 'customer',
      givenName: 'John',
      familyName: 'Miller',
      companyName: 'Contoso Ltd',
      jobTitle: 'IT Manager',
      emails: [{ type: 'work', address: 'john.miller@contoso.example' }],
      phones: [{ type: 'work', number: '+44 20 7946 0456' }],
    },
  },
  {
    // Four addresses: Exchange keeps three, so the record shows what was not exported and why.
    owner: 'admin',
    account: 'Contoso Ltd',
    groups: ['Key accounts'],
    data: {
      type: 'customer',
      givenName: 'Aiko',
      familyName: 'Tanaka',
      companyName: 'Contoso Ltd',
      jobTitle: 'Regional Director APAC',
      emails: [
        { type: 'work', address: 'aiko.tanaka@contoso.example' },
        { type: 'work', address: 'a.tanaka@contoso-apac.example' },
        { type: 'home', address: 'aiko.tanaka@mail.example' },
        { type: 'other', address: 'aiko@tanaka-family.example' },
      ],
      phones: [{ type: 'work', number: '+81 3-1234-5678' }],
    },
  },
  {
    // An employee: exported to the administrator's mailbox only through the "Key accounts" group.
    owner: 'admin',
    account: null,
    groups: ['Key accounts'],
    data: {
      type: 'employee',
      givenName: 'Priya',
      familyName: 'Sharma',
      jobTitle: 'Account Manager',
      department: 'Sales',
      emails: [{ type: 'work', address: 'priya.sharma@exsync.example' }],
      phones: [{ type: 'mobile', number: '+49 151 23456789' }],
    },
  },
  {
    // Neither a customer nor in "Key accounts": the administrator's export filter leaves it out.
    owner: 'admin',
    account: null,
    groups: ['Newsletter'],
    data: {
      type: 'other',
      givenName: 'Tom',
      familyName: 'Becker',
      companyName: 'Becker Logistics',
      jobTitle: 'Dispatcher',
      emails: [{ type: 'work', address: 'tom.becker@becker-logistics.example' }],
      phones: [{ type: 'work', number: '030 1234567' }],
    },
  },
  {
    owner: 'sales',
    account: 'Fabrikam GmbH',
    groups: [],
    data: {
      type: 'customer',
      givenName: 'Lucía',
      familyName: 'García',
      companyName: 'Fabrikam GmbH',
      jobTitle: 'Buyer',
      emails: [{ type: 'work', address: 'lucia.garcia@fabrikam.example' }],
      phones: [{ type: 'work', number: '+49 30 9018 2233' }],
      birthday: '1988-04-12',
    },
  },
  {
    owner: 'sales',
    account: 'Fabrikam GmbH',
    groups: [],
    data: {
      type: 'customer',
      givenName: 'Jonas',
      familyName: 'Weber',
      companyName: 'Fabrikam GmbH',
      jobTitle: 'Managing Director',
      emails: [{ type: 'work', address: 'jonas.weber@fabrikam.example' }],
      phones: [
        { type: 'work', number: '+49 30 9018 2200' },
        { type: 'mobile', number: '0171 2345678' },
      ],
    },
  },
];
