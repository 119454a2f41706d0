import { Page } from '../../components/page.tsx';

export function MailServiceList() {
  return <Page title="Mail services">Coming with this screen's work.</Page>;
}
