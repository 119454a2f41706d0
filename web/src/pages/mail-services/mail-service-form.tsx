import { Page } from '../../components/page.tsx';

export function MailServiceForm() {
  return <Page title="Mail service">Coming with this screen's work.</Page>;
}
