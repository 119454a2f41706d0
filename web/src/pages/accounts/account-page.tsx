import { Page } from '../../components/page.tsx';

export function AccountPage() {
  return <Page title="Account">Coming with this screen's work.</Page>;
}
