// Every screen and its address. The navigation in the layout is built from `navigation`.
import type { ComponentType } from 'preact';
import type { MessageKey } from './i18n.ts';
import { AccountNew } from './pages/accounts/account-form.tsx';
import { AccountList } from './pages/accounts/account-list.tsx';
import { AccountPage } from './pages/accounts/account-page.tsx';
import { ActivityList } from './pages/activities/activity-list.tsx';
import { ActivityNew, ActivityPage } from './pages/activities/activity-page.tsx';
import { ActivityCalendar } from './pages/activities/calendar.tsx';
import { ContactList } from './pages/contacts/contact-list.tsx';
import { ContactNew, ContactPage } from './pages/contacts/contact-page.tsx';
import { Dashboard } from './pages/dashboard/dashboard.tsx';
import { DealList, DealNew, DealPage } from './pages/deals/deals.tsx';
import { LeadList, LeadNew, LeadPage } from './pages/leads/leads.tsx';
import { MailServiceForm } from './pages/mail-services/mail-service-form.tsx';
import { MailServiceList } from './pages/mail-services/mail-service-list.tsx';
import { MailboxAdd } from './pages/mailboxes/mailbox-add.tsx';
import { MailboxList } from './pages/mailboxes/mailbox-list.tsx';
import { MailboxPage } from './pages/mailboxes/mailbox-page.tsx';
import { MyAccount } from './pages/me/me.tsx';
import { NotFound } from './pages/not-found.tsx';
import { Organisation } from './pages/organisation/organisation.tsx';
import { MailboxSyncSettings } from './pages/sync-settings/sync-settings.tsx';
import { UserList, UserNew, UserPage } from './pages/users/users.tsx';

// biome-ignore lint/suspicious/noExplicitAny: route components take their path params as props
export const routes: Array<{ path: string; component: ComponentType<any> }> = [
  { path: '/', component: Dashboard },
  { path: '/contacts', component: ContactList },
  { path: '/contacts/new', component: ContactNew },
  { path: '/contacts/:id', component: ContactPage },
  { path: '/accounts', component: AccountList },
  { path: '/accounts/new', component: AccountNew },
  { path: '/accounts/:id', component: AccountPage },
  { path: '/leads', component: LeadList },
  { path: '/leads/new', component: LeadNew },
  { path: '/leads/:id', component: LeadPage },
  { path: '/deals', component: DealList },
  { path: '/deals/new', component: DealNew },
  { path: '/deals/:id', component: DealPage },
  { path: '/activities', component: ActivityList },
  { path: '/activities/new', component: ActivityNew },
  { path: '/activities/calendar', component: ActivityCalendar },
  { path: '/activities/:id', component: ActivityPage },
  { path: '/settings/mailboxes', component: MailboxList },
  { path: '/settings/mailboxes/new', component: MailboxAdd },
  { path: '/settings/mailboxes/:id', component: MailboxPage },
  { path: '/settings/mailboxes/:id/sync', component: MailboxSyncSettings },
  { path: '/settings/mail-services', component: MailServiceList },
  { path: '/settings/mail-services/new', component: MailServiceForm },
  { path: '/settings/mail-services/:id', component: MailServiceForm },
  { path: '/settings/organisation', component: Organisation },
  { path: '/settings/users', component: UserList },
  { path: '/settings/users/new', component: UserNew },
  { path: '/settings/users/:id', component: UserPage },
  { path: '/me', component: MyAccount },
  { path: '/*', component: NotFound },
];

export interface NavigationEntry {
  href: string;
  label: MessageKey;
  /** Shown only to administrators. */
  adminOnly?: boolean;
}

export const navigation: NavigationEntry[] = [
  { href: '/', label: 'nav.dashboard' },
  { href: '/contacts', label: 'nav.contacts' },
  { href: '/accounts', label: 'nav.accounts' },
  { href: '/leads', label: 'nav.leads' },
  { href: '/deals', label: 'nav.deals' },
  { href: '/activities', label: 'nav.activities' },
  { href: '/settings/mailboxes', label: 'nav.mailboxes' },
  { href: '/settings/mail-services', label: 'nav.mailServices', adminOnly: true },
  { href: '/settings/organisation', label: 'nav.organisation', adminOnly: true },
  { href: '/settings/users', label: 'nav.users', adminOnly: true },
];
