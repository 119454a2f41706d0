import { Page } from '../../components/page.tsx';

export function AccountList() {
  return <Page title="Accounts">Coming with this screen's work.</Page>;
}
