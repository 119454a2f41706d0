import { Page } from '../../components/page.tsx';

export function MailboxSyncSettings() {
  return <Page title="Sync settings">Coming with this screen's work.</Page>;
}
