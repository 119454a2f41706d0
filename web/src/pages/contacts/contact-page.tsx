import { Page } from '../../components/page.tsx';

export function ContactPage() {
  return <Page title="Contact">Coming with this screen's work.</Page>;
}
