import { Page } from '../../components/page.tsx';

export function MailboxList() {
  return <Page title="Mailboxes">Coming with this screen's work.</Page>;
}
