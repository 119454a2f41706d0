import { Page } from '../../components/page.tsx';

export function Dashboard() {
  return <Page title="Dashboard">Coming with this screen's work.</Page>;
}
