import { Page } from '../components/page.tsx';
import { t, tx } from '../i18n.ts';

export function NotFound() {
  return (
    <Page title={t('notFound.title')}>
      <p>{tx('notFound.text', { link: (text) => <a href="/">{text}</a> })}</p>
    </Page>
  );
}
