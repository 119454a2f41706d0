import { Page } from '../../components/page.tsx';

export function ContactList() {
  return <Page title="Contacts">Coming with this screen's work.</Page>;
}
