import { Page } from '../components/page.tsx';

export function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is no page at this address. Use the menu above, or go back to the <a href="/">dashboard</a>.
      </p>
    </Page>
  );
}
