// The Email tab: email sync is not built yet, so the tab says what it will do (SPEC D1, D2, E1,
// E3) and offers no controls that would do nothing.
import { Notice } from '../../components/notice.tsx';
import { type MessageKey, t, tx } from '../../i18n.ts';

const bold = (text: unknown) => <strong>{text as string}</strong>;

function Points(props: { keys: MessageKey[] }) {
  return (
    <ul class="plain-list">
      {props.keys.map((key) => (
        <li key={key}>{tx(key, { b: bold })}</li>
      ))}
    </ul>
  );
}

export function EmailTab(props: { serviceName: string | null }) {
  return (
    <div class="coming">
      <Notice kind="info" title={t('coming.email.title')}>
        {t('coming.email.text')}
      </Notice>
      <section class="card" aria-labelledby="email-what">
        <h2 id="email-what">{t('coming.email.what')}</h2>
        <Points
          keys={['coming.email.download', 'coming.email.link', 'coming.email.send', 'coming.email.direction']}
        />
        <p class="muted">
          {t('coming.email.needs', {
            named: props.serviceName ? 'yes' : 'no',
            service: props.serviceName ?? '',
          })}
        </p>
      </section>
    </div>
  );
}
