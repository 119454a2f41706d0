import { Page } from '../../components/page.tsx';

export function Organisation() {
  return <Page title="Organisation">Coming with this screen's work.</Page>;
}
