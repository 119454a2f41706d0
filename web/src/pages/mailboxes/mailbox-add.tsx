import { Page } from '../../components/page.tsx';

export function MailboxAdd() {
  return <Page title="Add a mailbox">Coming with this screen's work.</Page>;
}
