import { Page } from '../../components/page.tsx';

export function MailboxPage() {
  return <Page title="Mailbox">Coming with this screen's work.</Page>;
}
